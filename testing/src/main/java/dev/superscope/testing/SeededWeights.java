package dev.superscope.testing;

import java.util.Random;

/**
 * Random weights for the tiny models the forward-pass tests build: drawn from one seeded generator in the
 * order asked for, stored as float32 (as a checkpoint holds them), and read back as the doubles a plain-Java
 * reference computes with.
 */
public final class SeededWeights {
    private final Random random;

    public SeededWeights(long seed) {
        random = new Random(seed);
    }

    /** {@code n} values {@code offset + N(0, scale^2)}, rounded to float32. */
    public float[] draw(int n, double offset, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (offset + random.nextGaussian() * scale);
        }
        return v;
    }

    /** Row-major float32 {@code values} (of any matrix) as {@code rows} rows of {@code cols} doubles. */
    public static double[][] rows(float[] values, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = values[r * cols + c];
            }
        }
        return m;
    }

    /** {@code values} widened to double. */
    public static double[] doubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
