package dev.superscope.analyzers.scan;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.Tile;

import java.util.Arrays;

/**
 * The exact O(n^2 m) pass over all pairs of valid rows, in blocks: for every block pair (I, J) with
 * J &gt;= I the compute backend forms the cosine tile U_I U_J^T (float32 products) and {@link CosineTileKernel}
 * folds it into the pairwise statistics and each row's best decoding competitor. Only the upper
 * triangle of block pairs is visited, i.e. half of the n^2 m products; nothing n x n is ever held.
 *
 * <p>Block I stays resident while the blocks J after it are streamed, so each block is needed about
 * n / tile times. When the whole matrix fits in {@link #CACHE_BYTES} as float32 unit rows, each block is
 * read, checked and normalised once and kept; otherwise it is read again each time (O(tile m), small
 * next to the tile's O(tile^2 m) GEMM).
 */
public final class CosineScan {
    /**
     * Largest tile side. 2048 x 2048 float32 (16 MB) keeps a tile in the last-level cache's reach and the
     * product efficient; 4096-row tiles were measured 10x slower per element on 2 cores (PyTorch backend).
     */
    public static final int MAX_TILE_ROWS = 2048;

    /** The most memory the scan keeps normalised blocks in, so that each is read once (see UnitBlocks). */
    static final long CACHE_BYTES = 512L << 20;

    /**
     * What the scan found.
     *
     * @param rows          n, rows of the matrix
     * @param validRows     n', rows that are finite with a positive norm
     * @param nonFiniteRows rows with a NaN or infinite entry
     * @param zeroRows      all-zero rows
     * @param sumAbsCosine  sum of |cos_ij| over valid i &lt; j
     * @param maxAbsCosine  max of |cos_ij| over valid i &lt; j (0 when there is no pair)
     * @param histogram     counts of cos_ij, i &lt; j, in equal bins over [-1, 1]
     * @param decodeErrors  valid rows i for which some j != i has w_j . u_i &gt; w_i . u_i
     * @param decodeError   per row: 1 when row i is decoded as another token, 0 when not, NaN when invalid
     */
    public record Result(long rows, long validRows, long nonFiniteRows, long zeroRows, double sumAbsCosine,
                         double maxAbsCosine, long[] histogram, long decodeErrors, double[] decodeError) {
        /** Pairs i &lt; j of valid rows. */
        public long pairs() {
            return validRows * (validRows - 1) / 2;
        }
    }

    private CosineScan() {
    }

    /**
     * Scans {@code matrix}, whose norms and row states {@code rows} holds, in tiles of at most
     * {@code min(blockRows, MAX_TILE_ROWS)} rows with a {@code bins}-bin cosine histogram, the products
     * formed by {@code backend}.
     */
    public static Result run(Matrix matrix, RowScan rows, int blockRows, int bins, Backend backend) {
        return run(matrix, rows, blockRows, bins, backend, CACHE_BYTES);
    }

    /** As {@link #run(Matrix, RowScan, int, int, Backend)}, keeping unit rows only when they fit in {@code cacheBytes}. */
    static Result run(Matrix matrix, RowScan rows, int blockRows, int bins, Backend backend, long cacheBytes) {
        if (matrix.rows() > Integer.MAX_VALUE - 8) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has " + matrix.rows()
                    + " rows; pairwise scans support at most " + (Integer.MAX_VALUE - 8));
        }
        int n = (int) matrix.rows();
        int tile = Math.min(blockRows, MAX_TILE_ROWS);
        float[] best = new float[n];
        float[] own = new float[n];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        CosineTileKernel kernel = new CosineTileKernel(bins);
        RowBlocks blocks = new RowBlocks(matrix, tile, (long) tile * matrix.cols());
        try (ComputeScope root = backend.newScope();
             UnitBlocks unitBlocks = new UnitBlocks(blocks, rows, root, cacheBytes)) {
            Tile product = root.newTile(blocks.blockRows(), blocks.blockRows());
            for (int bi = 0; bi < unitBlocks.count(); bi++) {
                try (ComputeScope blockScope = root.newChild()) {
                    UnitBlock a = unitBlocks.get(bi, blockScope, true);
                    if (a.rows().length == 0) {
                        continue;
                    }
                    kernel.diagonal(product.multiply(a.unit(), a.unit()), a.rows().length, a.norms(), a.rows(),
                            best, own);
                    for (int bj = bi + 1; bj < unitBlocks.count(); bj++) {
                        try (ComputeScope pairScope = blockScope.newChild()) {
                            UnitBlock b = unitBlocks.get(bj, pairScope, false);
                            if (b.rows().length == 0) {
                                continue;
                            }
                            kernel.offDiagonal(product.multiply(a.unit(), b.unit()), a.rows().length,
                                    b.rows().length, a.norms(), a.rows(), b.norms(), b.rows(), best);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof SuperscopeException s) {
                throw s;
            }
            throw new SuperscopeException(1, "the compute backend failed while scanning cosine pairs of "
                    + matrix.name() + ": " + firstLine(e), e);
        }
        byte[] states = rows.states();
        long errors = 0;
        double[] flags = new double[n];
        for (int i = 0; i < n; i++) {
            if (states[i] != RowScan.VALID) {
                flags[i] = Double.NaN;
                continue;
            }
            boolean error = best[i] > own[i];
            flags[i] = error ? 1 : 0;
            errors += error ? 1 : 0;
        }
        return new Result(n, rows.validRows(), rows.nonFiniteRows(), rows.zeroRows(), kernel.sumAbs, kernel.maxAbs,
                kernel.histogram.clone(), errors, flags);
    }

    private static String firstLine(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /** One block as the scan uses it: its valid rows as unit rows on the backend, their float32 norms and global indices. */
    private record UnitBlock(DeviceRows unit, float[] norms, int[] rows) {
    }

    /**
     * The blocks of the scan, each read and normalised the first time it is needed. Every block is needed
     * about n / tile times (once per block before it), so when all of them fit in {@link #CACHE_BYTES}
     * as float32 unit rows they are kept after the first read (in the root scope) instead of being read,
     * checked and normalised again: for GPT-2's head that is 154 MB and saves 300 block reads. Larger
     * matrices are streamed, each read costing O(tile m) next to the tile's O(tile^2 m) products.
     */
    private static final class UnitBlocks implements AutoCloseable {
        private final RowBlocks blocks;
        private final RowScan scan;
        private final UnitRows unitRows;
        private final ComputeScope cacheScope;
        private final UnitBlock[] cache;

        UnitBlocks(RowBlocks blocks, RowScan scan, ComputeScope root, long cacheBytes) {
            this.blocks = blocks;
            this.scan = scan;
            this.unitRows = new UnitRows(blocks, scan, null);
            boolean fits = blocks.matrix().rows() * (long) blocks.cols() * Float.BYTES <= cacheBytes;
            this.cacheScope = fits ? root : null;
            this.cache = fits ? new UnitBlock[blocks.blockCount()] : null;
        }

        int count() {
            return blocks.blockCount();
        }

        /**
         * Block {@code index}: kept from an earlier read, or read now into {@code scope} (or the cache).
         * Backends may compute on the rows' memory in place, and the builder reuses its buffers for the
         * next block read; so a block that must outlive the next read ({@code ownRows}: the resident block
         * I while the blocks J after it stream by) gets rows of its own.
         */
        UnitBlock get(int index, ComputeScope scope, boolean ownRows) {
            if (cache != null && cache[index] != null) {
                return cache[index];
            }
            unitRows.prepare(index);
            int first = (int) blocks.blockStart(index);
            int valid = unitRows.validCount();
            int[] rows = new int[valid];
            float[] norms = new float[valid];
            for (int k = 0; k < valid; k++) {
                rows[k] = first + unitRows.validRow(k);
                norms[k] = (float) scan.norms()[rows[k]];
            }
            ComputeScope owner = cache != null ? cacheScope : scope;
            boolean copy = cache != null || ownRows;
            DeviceRows unit = valid == 0 ? null : owner.rows(copy ? unitRows.unitCopy() : unitRows.unit());
            UnitBlock b = new UnitBlock(unit, norms, rows);
            if (cache != null) {
                cache[index] = b;
            }
            return b;
        }

        @Override
        public void close() {
            unitRows.close();
        }
    }
}
