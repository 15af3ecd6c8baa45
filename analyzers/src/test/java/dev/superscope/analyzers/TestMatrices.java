package dev.superscope.analyzers;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.testing.SeededWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Builds test matrices of any analysable dtype from intended double values. */
public final class TestMatrices {
    private TestMatrices() {
    }

    /** Rows of independent N(0, scale^2) entries. */
    public static double[][] gaussian(int n, int m, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] rows = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                rows[i][j] = gaussian(random) * scale;
            }
        }
        return rows;
    }

    public static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian in Java 17.
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    /** {@code rows} encoded as {@code dtype} in a direct (mapped-like) or heap buffer. */
    public static Matrix of(DType dtype, double[][] rows, boolean direct) {
        int n = rows.length;
        int m = n == 0 ? 1 : rows[0].length;
        int size = dtype.byteSize();
        ByteBuffer data = (direct ? ByteBuffer.allocateDirect(n * m * size) : ByteBuffer.allocate(n * m * size))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                int at = (i * m + j) * size;
                double v = rows[i][j];
                switch (dtype) {
                    case F32 -> data.putFloat(at, (float) v);
                    case F64 -> data.putDouble(at, v);
                    case BF16 -> data.putShort(at, (short) (Float.floatToRawIntBits((float) v) >>> 16));
                    case F16 -> data.putShort(at, halfBits((float) v));
                    default -> throw new IllegalArgumentException(dtype.toString());
                }
            }
        }
        return Matrices.ofBuffer("test." + dtype, dtype, n, m, data);
    }

    public static Matrix of(DType dtype, double[][] rows) {
        return of(dtype, rows, true);
    }

    /** float32 to binary16, rounding toward zero (any half value will do: tests decode what was stored). */
    public static short halfBits(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(f)) {
            return (short) (sign | 0x7E00);
        }
        float a = Math.abs(f);
        if (a >= 65520f) {
            return (short) (sign | 0x7C00);
        }
        if (a < 0x1p-14f) {
            return (short) (sign | (int) (a / 0x1p-24f));
        }
        int exponent = Math.getExponent(a);
        int mantissa = (Float.floatToRawIntBits(a) >>> 13) & 0x3FF;
        return (short) (sign | ((exponent + 15) << 10) | mantissa);
    }

    /**
     * The matrix's rows as the analyzers should see them: decoded by the plugin API's own decoder and
     * widened to double, or read as float64 for F64 (which the engine keeps in float64).
     */
    public static double[][] decoded(Matrix matrix) {
        int n = (int) matrix.rows();
        int m = matrix.cols();
        if (matrix.dtype() == DType.F64) {
            ByteBuffer raw = matrix.rawRows(0, n).order(ByteOrder.LITTLE_ENDIAN);
            double[][] rows = new double[n][m];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    rows[i][j] = raw.getDouble((i * m + j) * 8);
                }
            }
            return rows;
        }
        return SeededWeights.rows(matrix.rowsAsFloats(0, n), n, m);
    }
}
