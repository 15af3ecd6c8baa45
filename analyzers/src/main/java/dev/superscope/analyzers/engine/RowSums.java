package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Float64 row norms of a block, read in place from the engine's memory (a direct view
 * of the array, no copy) and split by rows over every core.
 *
 * <p>Why not engine ops: PyTorch offers no float64 accumulation for a float32 reduction except through
 * a float64 copy of the whole block, and measured on 2 cores that copy (a fresh 25 MB allocation per
 * 4096 x 768 block) cost 20 ms a block, a third of the block's GEMM; these loops cost about 2 ms.
 */
final class RowSums {
    private RowSums() {
    }

    /** ||x_i|| for each of the {@code rows} rows of the contiguous FLOAT32 or FLOAT64 array {@code x}. */
    static double[] norms(NDArray x, int rows, int cols) {
        double[] norms = new double[rows];
        ByteBuffer view = x.toByteBuffer(true).order(ByteOrder.nativeOrder());
        int parts = RowBlocks.ranges(rows);
        boolean wide = x.getDataType() == DataType.FLOAT64;
        RowBlocks.forRanges(rows, parts, p -> {
            int from = RowBlocks.rangeStart(rows, parts, p);
            int to = RowBlocks.rangeStart(rows, parts, p + 1);
            if (wide) {
                DoubleBuffer d = view.asDoubleBuffer();
                double[] row = new double[cols];
                for (int i = from; i < to; i++) {
                    d.get(i * cols, row, 0, cols);
                    norms[i] = Math.sqrt(sumOfSquares(row));
                }
            } else {
                FloatBuffer f = view.asFloatBuffer();
                float[] row = new float[cols];
                for (int i = from; i < to; i++) {
                    f.get(i * cols, row, 0, cols);
                    norms[i] = Math.sqrt(sumOfSquares(row));
                }
            }
        });
        return norms;
    }

    private static double sumOfSquares(float[] row) {
        // Four accumulators: independent dependency chains, same float64 exactness.
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < row.length; j += 4) {
            double a = row[j];
            double b = row[j + 1];
            double c = row[j + 2];
            double d = row[j + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; j < row.length; j++) {
            double a = row[j];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double sumOfSquares(double[] row) {
        double s0 = 0;
        double s1 = 0;
        int j = 0;
        for (; j + 1 < row.length; j += 2) {
            s0 += row[j] * row[j];
            s1 += row[j + 1] * row[j + 1];
        }
        if (j < row.length) {
            s0 += row[j] * row[j];
        }
        return s0 + s1;
    }
}
