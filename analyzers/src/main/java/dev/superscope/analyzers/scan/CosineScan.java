package dev.superscope.analyzers.scan;

import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.Tile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
     * @param rows            n, rows of the matrix
     * @param validRows       n', rows that are finite with a positive norm
     * @param nonFiniteRows   rows with a NaN or infinite entry
     * @param zeroRows        all-zero rows
     * @param sumAbsCosine    sum of |cos_ij| over valid i &lt; j
     * @param maxAbsCosine    max of |cos_ij| over valid i &lt; j (0 when there is no pair)
     * @param histogram       counts of cos_ij, i &lt; j, in equal bins over [-1, 1]
     * @param decodeErrors    valid rows i for which some j != i has w_j . u_i &gt; w_i . u_i
     * @param decodeError     per row: 1 when row i is decoded as another token, 0 when not, NaN when invalid
     * @param decodeWinner    per row: the token the head decodes at row i's direction (i itself unless
     *                        another scores strictly higher; ties to the lowest id), -1 when invalid
     * @param decodeMargin    per row: w_i . u_i minus the best other score (negative: a decode error), NaN
     *                        when invalid or alone
     * @param nearest         per row: the other valid row with the largest |cos| (ties: lowest id), -1 when none
     * @param nearestCosine   per row: that |cos|, NaN when none
     * @param collapseThreshold |cos| at or above which rows count as collapsed onto one another
     * @param collapsedRows   valid rows whose nearest |cos| reaches the threshold
     * @param collapsedGroups groups of two or more rows linked by |cos| at or above the threshold
     * @param collapsedGroup  per row: its group's lowest row id, -1 when the row is in no group
     * @param topPairs        the most similar pairs by |cos|, best first (as many as were asked for)
     */
    public record Result(long rows, long validRows, long nonFiniteRows, long zeroRows, double sumAbsCosine,
                         double maxAbsCosine, long[] histogram, long decodeErrors, double[] decodeError,
                         int[] decodeWinner, double[] decodeMargin, int[] nearest, double[] nearestCosine,
                         double collapseThreshold, long collapsedRows, long collapsedGroups, int[] collapsedGroup,
                         List<TopPairs.Pair> topPairs) {
        /** Pairs i &lt; j of valid rows. */
        public long pairs() {
            return validRows * (validRows - 1) / 2;
        }
    }

    /** A pair of row blocks (I &lt;= J) whose cosine tile the scan visits. */
    public record BlockPair(int i, int j) implements java.io.Serializable {
        public BlockPair {
            if (i < 0 || j < i) {
                throw new IllegalArgumentException("a block pair needs 0 <= i <= j, not " + i + ", " + j);
            }
        }
    }

    private CosineScan() {
    }

    /**
     * The key the {@code pairwise} and {@code decode-error} analyzers share this scan's {@link Result} under in
     * a matrix's {@link dev.superscope.plugins.AnalysisContext}: a runner that computed the scan elsewhere (on a
     * cluster, in tiles) leaves it there and the analyzers report it.
     */
    public static String sharedKey(AnalysisOptions options) {
        return "cosine-scan/" + options.blockRows() + "/" + options.histogramBins() + "/" + options.collapseThreshold()
                + "/" + options.topPairs();
    }

    /** Rows per tile for {@code blockRows}-row blocks: at most {@link #MAX_TILE_ROWS}. */
    public static int tileRows(int blockRows) {
        return Math.max(1, Math.min(blockRows, MAX_TILE_ROWS));
    }

    /** Every block pair of the upper triangle, in the order a single pass visits them. */
    public static List<BlockPair> allPairs(Matrix matrix, int blockRows) {
        int blocks = Math.toIntExact((matrix.rows() + tileRows(blockRows) - 1) / tileRows(blockRows));
        List<BlockPair> pairs = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            for (int j = i; j < blocks; j++) {
                pairs.add(new BlockPair(i, j));
            }
        }
        return pairs;
    }

    /**
     * Scans every pair of valid rows of {@code matrix}, whose norms and row states {@code rows} holds, in
     * tiles of {@link #tileRows} rows with a {@code bins}-bin histogram, keeping the {@code topPairs} most
     * similar pairs (0: none), the products formed by {@code backend}.
     */
    public static Result run(Matrix matrix, RowScan rows, int blockRows, int bins, double collapseThreshold,
                             int topPairs, Backend backend) {
        PairStatistics stats = scan(matrix, rows, blockRows, bins, collapseThreshold, topPairs, backend,
                allPairs(matrix, blockRows), CACHE_BYTES);
        return result(rows, stats);
    }

    /**
     * The statistics of the tiles of {@code pairs} only (a part of a scan split across workers: merge
     * the parts with {@link PairStatistics#merge}, then {@link #result}). Every part must keep the same
     * {@code topPairs} as the whole would.
     */
    public static PairStatistics scan(Matrix matrix, RowScan rows, int blockRows, int bins,
                                      double collapseThreshold, int topPairs, Backend backend, List<BlockPair> pairs) {
        return scan(matrix, rows, blockRows, bins, collapseThreshold, topPairs, backend, pairs, CACHE_BYTES);
    }

    /** As {@link #scan(Matrix, RowScan, int, int, double, int, Backend, List)}, keeping unit rows only when they fit in {@code cacheBytes}. */
    static PairStatistics scan(Matrix matrix, RowScan rows, int blockRows, int bins, double collapseThreshold,
                               int topPairs, Backend backend, List<BlockPair> pairs, long cacheBytes) {
        if (matrix.rows() > Integer.MAX_VALUE - 8) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has " + matrix.rows()
                    + " rows; pairwise scans support at most " + (Integer.MAX_VALUE - 8));
        }
        int n = (int) matrix.rows();
        int tile = tileRows(blockRows);
        PairStatistics stats = new PairStatistics(n, bins, collapseThreshold, topPairs);
        CosineTileKernel kernel = new CosineTileKernel(stats);
        RowBlocks blocks = new RowBlocks(matrix, tile, (long) tile * matrix.cols());
        List<BlockPair> ordered = new ArrayList<>(pairs);
        ordered.sort(Comparator.comparingInt(BlockPair::i).thenComparingInt(BlockPair::j));
        try (ComputeScope root = backend.newScope();
             UnitBlocks unitBlocks = new UnitBlocks(blocks, rows, root, cacheBytes)) {
            Tile product = root.newTile(blocks.blockRows(), blocks.blockRows());
            int k = 0;
            while (k < ordered.size()) {
                int bi = ordered.get(k).i();
                try (ComputeScope blockScope = root.newChild()) {
                    UnitBlock a = unitBlocks.get(bi, blockScope, true);
                    for (; k < ordered.size() && ordered.get(k).i() == bi; k++) {
                        int bj = ordered.get(k).j();
                        if (a.rows().length == 0) {
                            continue;
                        }
                        if (bj == bi) {
                            kernel.diagonal(product.multiply(a.unit(), a.unit()), a.rows().length, a.norms(), a.rows());
                            continue;
                        }
                        try (ComputeScope pairScope = blockScope.newChild()) {
                            UnitBlock b = unitBlocks.get(bj, pairScope, false);
                            if (b.rows().length > 0) {
                                kernel.offDiagonal(product.multiply(a.unit(), b.unit()), a.rows().length,
                                        b.rows().length, a.norms(), a.rows(), b.norms(), b.rows());
                            }
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
        return stats;
    }

    /** The scan's result from the statistics of all its pairs and the row scan of the same matrix. */
    public static Result result(RowScan rows, PairStatistics stats) {
        int n = stats.rows();
        byte[] states = rows.states();
        long errors = 0;
        long collapsed = 0;
        double[] flags = new double[n];
        int[] winner = new int[n];
        double[] margin = new double[n];
        int[] nearest = new int[n];
        double[] nearestCos = new double[n];
        int[] group = stats.groups();
        boolean[] groupSeen = new boolean[n];
        long groups = 0;
        for (int i = 0; i < n; i++) {
            if (states[i] != RowScan.VALID) {
                flags[i] = Double.NaN;
                winner[i] = -1;
                margin[i] = Double.NaN;
                nearest[i] = -1;
                nearestCos[i] = Double.NaN;
                continue;
            }
            float own = stats.ownScore(i);
            float best = stats.competitorScore(i);
            boolean error = best > own;
            flags[i] = error ? 1 : 0;
            errors += error ? 1 : 0;
            winner[i] = error ? stats.competitorId(i) : i;
            margin[i] = stats.competitorId(i) < 0 ? Double.NaN : (double) own - best;
            nearest[i] = stats.nearestId(i);
            nearestCos[i] = nearest[i] < 0 ? Double.NaN : stats.nearestAbsCosine(i);
            collapsed += nearest[i] >= 0 && stats.nearestAbsCosine(i) >= stats.collapseThreshold() ? 1 : 0;
            if (group[i] >= 0 && !groupSeen[group[i]]) {
                groupSeen[group[i]] = true;
                groups++;
            }
        }
        return new Result(n, rows.validRows(), rows.nonFiniteRows(), rows.zeroRows(), stats.sumAbsCosine(),
                stats.maxAbsCosine(), stats.histogram(), errors, flags, winner, margin, nearest, nearestCos,
                stats.collapseThreshold(), collapsed, groups, group, stats.topPairs());
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
