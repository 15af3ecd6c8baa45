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
 * <p>Block I stays resident while the blocks J after it are streamed through a second reader, so
 * the matrix is read about n / tile times; each block's norms and unit rows are recomputed on each
 * read (O(tile m), small next to the tile's O(tile^2 m) GEMM).
 */
public final class CosineScan {
    /**
     * Largest tile side. 2048 x 2048 float32 (16 MB) keeps the engine's per-tile allocations reusable
     * and the GEMM efficient; 4096-row tiles were measured 10x slower per element on 2 cores.
     */
    public static final int MAX_TILE_ROWS = 2048;

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
        if (matrix.rows() > Integer.MAX_VALUE - 8) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has " + matrix.rows()
                    + " rows; pairwise scans support at most " + (Integer.MAX_VALUE - 8));
        }
        int n = (int) matrix.rows();
        int tile = Math.min(blockRows, MAX_TILE_ROWS);
        BlockReader outer = new BlockReader(matrix, tile);
        BlockReader inner = new BlockReader(matrix, tile);
        float[] best = new float[n];
        float[] own = new float[n];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        boolean[] valid = new boolean[n];
        long nonFinite = 0;
        long zero = 0;
        CosineTileKernel kernel = new CosineTileKernel(bins);
        try (NDManager root = TorchEngine.get().newManager()) {
            for (int bi = 0; bi < outer.blockCount(); bi++) {
                try (NDManager blockManager = root.newSubManager()) {
                    Block a = outer.read(bi, blockManager);
                    nonFinite += a.nonFiniteCount();
                    zero += a.zeroCount();
                    int[] rowsA = globalValidRows(a);
                    for (int g : rowsA) {
                        valid[g] = true;
                    }
                    if (rowsA.length == 0) {
                        continue;
                    }
                    float[] normsA = floats(a.validNorms());
                    NDArray ua = a.unitRows(blockManager);
                    try (NDArray uat = ua.transpose(); NDArray c = ua.matMul(uat)) {
                        kernel.diagonal(view(c), rowsA.length, normsA, rowsA, best, own);
                    }
                    for (int bj = bi + 1; bj < inner.blockCount(); bj++) {
                        try (NDManager pairManager = blockManager.newSubManager()) {
                            Block b = inner.read(bj, pairManager);
                            int[] rowsB = globalValidRows(b);
                            if (rowsB.length == 0) {
                                continue;
                            }
                            NDArray ub = b.unitRows(pairManager);
                            try (NDArray ubt = ub.transpose(); NDArray c = ua.matMul(ubt)) {
                                kernel.offDiagonal(view(c), rowsA.length, rowsB.length, normsA, rowsA,
                                        floats(b.validNorms()), rowsB, best);
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

    private static FloatBuffer view(NDArray c) {
        // A direct view of the engine's memory for a contiguous array (matmul output is): no copy.
        return c.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static int[] globalValidRows(Block block) {
        int[] rows = new int[block.validCount()];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = Math.toIntExact(block.first() + block.validRow(k));
        }
        return rows;
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
