package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The exact O(n^2 m) pass over all pairs of valid rows, in blocks: for every block pair (I, J) with
 * J &gt;= I the engine computes the cosine tile U_I U_J^T (float32 GEMM) and {@link CosineTileKernel}
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
     * Largest tile side. 2048 x 2048 float32 (16 MB) keeps the engine's per-tile allocations reusable
     * and the GEMM efficient; 4096-row tiles were measured 10x slower per element on 2 cores.
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
     * Scans {@code matrix} in tiles of at most {@code min(blockRows, MAX_TILE_ROWS)} rows with a
     * {@code bins}-bin cosine histogram.
     */
    public static Result run(Matrix matrix, int blockRows, int bins) {
        return run(matrix, blockRows, bins, CACHE_BYTES);
    }

    /** As {@link #run(Matrix, int, int)}, keeping normalised blocks only when they fit in {@code cacheBytes}. */
    static Result run(Matrix matrix, int blockRows, int bins, long cacheBytes) {
        if (matrix.rows() > Integer.MAX_VALUE - 8) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has " + matrix.rows()
                    + " rows; pairwise scans support at most " + (Integer.MAX_VALUE - 8));
        }
        int n = (int) matrix.rows();
        int tile = Math.min(blockRows, MAX_TILE_ROWS);
        float[] best = new float[n];
        float[] own = new float[n];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        boolean[] valid = new boolean[n];
        long nonFinite = 0;
        long zero = 0;
        CosineTileKernel kernel = new CosineTileKernel(bins);
        try (NDManager root = TorchEngine.get().newManager();
             UnitBlocks blocks = new UnitBlocks(matrix, tile, root, cacheBytes)) {
            for (int bi = 0; bi < blocks.count(); bi++) {
                try (NDManager blockManager = root.newSubManager()) {
                    UnitBlock a = blocks.get(bi, blockManager);
                    nonFinite += a.nonFinite();
                    zero += a.zero();
                    for (int g : a.rows()) {
                        valid[g] = true;
                    }
                    if (a.rows().length == 0) {
                        continue;
                    }
                    NDArray ua = a.unit();
                    try (NDArray uat = ua.transpose(); NDArray c = ua.matMul(uat)) {
                        kernel.diagonal(view(c), a.rows().length, a.norms(), a.rows(), best, own);
                    }
                    for (int bj = bi + 1; bj < blocks.count(); bj++) {
                        try (NDManager pairManager = blockManager.newSubManager()) {
                            UnitBlock b = blocks.get(bj, pairManager);
                            if (b.rows().length == 0) {
                                continue;
                            }
                            try (NDArray ubt = b.unit().transpose(); NDArray c = ua.matMul(ubt)) {
                                kernel.offDiagonal(view(c), a.rows().length, b.rows().length, a.norms(), a.rows(),
                                        b.norms(), b.rows(), best);
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            throw EngineFailures.wrap(matrix.name(), "scanning cosine pairs of", e);
        }
        long k = 0;
        long errors = 0;
        double[] flags = new double[n];
        for (int i = 0; i < n; i++) {
            if (!valid[i]) {
                flags[i] = Double.NaN;
                continue;
            }
            k++;
            boolean error = best[i] > own[i];
            flags[i] = error ? 1 : 0;
            errors += error ? 1 : 0;
        }
        return new Result(n, k, nonFinite, zero, kernel.sumAbs, kernel.maxAbs, kernel.histogram.clone(), errors,
                flags);
    }

    /**
     * One block as the scan uses it: its valid rows as unit rows, their float32 norms and global row
     * indices, and how many of its rows were non-finite or zero.
     */
    private record UnitBlock(NDArray unit, float[] norms, int[] rows, int nonFinite, int zero) {
    }

    /**
     * The blocks of the scan, each read and normalised the first time it is needed. Every block is needed
     * about n / tile times (once per block before it), so when all of them fit in {@link #CACHE_BYTES}
     * as float32 unit rows they are kept after the first read instead of being read, checked and
     * normalised again: for GPT-2's head that is 154 MB and saves 300 block reads. Larger matrices are
     * streamed, each read costing O(tile m) next to the tile's O(tile^2 m) products.
     */
    private static final class UnitBlocks implements AutoCloseable {
        private final BlockReader reader;
        private final NDManager cacheManager;
        private final UnitBlock[] cache;

        UnitBlocks(Matrix matrix, int tile, NDManager root, long cacheBytes) {
            this.reader = new BlockReader(matrix, tile);
            boolean fits = matrix.rows() * (long) matrix.cols() * Float.BYTES <= cacheBytes;
            this.cacheManager = fits ? root.newSubManager() : null;
            this.cache = fits ? new UnitBlock[reader.blockCount()] : null;
        }

        int count() {
            return reader.blockCount();
        }

        /** Block {@code index}: kept from an earlier read, or read now into {@code manager} (or the cache). */
        UnitBlock get(int index, NDManager manager) {
            if (cache != null && cache[index] != null) {
                return cache[index];
            }
            NDManager owner = cache != null ? cacheManager : manager;
            Block block;
            try (NDManager read = manager.newSubManager()) {
                block = reader.read(index, read);
                int[] rows = new int[block.validCount()];
                for (int k = 0; k < rows.length; k++) {
                    rows[k] = Math.toIntExact(block.first() + block.validRow(k));
                }
                UnitBlock b = new UnitBlock(rows.length == 0 ? null : block.unitRows(owner), floats(block.validNorms()),
                        rows, block.nonFiniteCount(), block.zeroCount());
                if (cache != null) {
                    cache[index] = b;
                }
                return b;
            }
        }

        @Override
        public void close() {
            if (cacheManager != null) {
                cacheManager.close();
            }
        }
    }

    private static FloatBuffer view(NDArray c) {
        // A direct view of the engine's memory for a contiguous array (matmul output is): no copy.
        return c.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
