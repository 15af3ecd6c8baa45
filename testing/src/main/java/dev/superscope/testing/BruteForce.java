package dev.superscope.testing;

import dev.superscope.plugins.compute.FloatRows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Float64 references for the compute kernels, by plain loops over float32 rows (which widen to float64
 * exactly), and the row blocks the kernel tests feed them. Rows are {@code float[rows * cols]}, row-major.
 */
public final class BruteForce {
    private BruteForce() {
    }

    /** Seeded N(0, 1) rows. */
    public static float[] gaussian(int rows, int cols, long seed) {
        return TestModels.gaussianValues(rows * cols, seed);
    }

    /** Seeded rows of unit length (normalised in float64, then rounded to float32). */
    public static float[] unitRows(int rows, int cols, long seed) {
        float[] w = gaussian(rows, cols, seed);
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += (double) w[i * cols + j] * w[i * cols + j];
            }
            double r = Math.sqrt(s);
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) (w[i * cols + j] / r);
            }
        }
        return w;
    }

    /**
     * Seeded unit rows that share one common direction (weight {@code common} against 1 for the noise),
     * as the rows of a trained LM head do: the Gram matrix has one large eigenvalue, the case where the
     * quadratic forms are hardest to get accurate.
     */
    public static float[] unitRowsWithCommonDirection(int rows, int cols, double common, long seed) {
        Random random = new Random(seed);
        double[] direction = new double[cols];
        for (int j = 0; j < cols; j++) {
            direction[j] = random.nextGaussian() / Math.sqrt(cols);
        }
        float[] w = new float[rows * cols];
        double[] row = new double[cols];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian() / Math.sqrt(cols) + common * direction[j];
                s += row[j] * row[j];
            }
            double r = Math.sqrt(s);
            for (int j = 0; j < cols; j++) {
                w[i * cols + j] = (float) (row[j] / r);
            }
        }
        return w;
    }

    /** G = sum over rows of r r^T, m x m row-major. */
    public static double[] gram(float[] w, int rows, int cols) {
        double[] g = new double[cols * cols];
        for (int i = 0; i < rows; i++) {
            int r = i * cols;
            for (int a = 0; a < cols; a++) {
                double x = w[r + a];
                for (int b = a; b < cols; b++) {
                    g[a * cols + b] += x * w[r + b];
                }
            }
        }
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < a; b++) {
                g[a * cols + b] = g[b * cols + a];
            }
        }
        return g;
    }

    /** sum of the squares of every entry. */
    public static double sumOfSquares(double[] g) {
        double s = 0;
        for (double v : g) {
            s += v * v;
        }
        return s;
    }

    /** r^T G r for each row r of {@code w}. */
    public static double[] quadraticForms(double[] g, int cols, float[] w, int rows) {
        double[] q = new double[rows];
        double[] gr = new double[cols];
        for (int i = 0; i < rows; i++) {
            int r = i * cols;
            for (int a = 0; a < cols; a++) {
                double s = 0;
                for (int b = 0; b < cols; b++) {
                    s += g[a * cols + b] * w[r + b];
                }
                gr[a] = s;
            }
            double s = 0;
            for (int a = 0; a < cols; a++) {
                s += w[r + a] * gr[a];
            }
            q[i] = s;
        }
        return q;
    }

    /** C = A B^T (rowsA x rowsB). */
    public static double[] product(float[] a, int rowsA, float[] b, int rowsB, int cols) {
        double[] c = new double[rowsA * rowsB];
        for (int i = 0; i < rowsA; i++) {
            for (int j = 0; j < rowsB; j++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += (double) a[i * cols + k] * b[j * cols + k];
                }
                c[i * rowsB + j] = s;
            }
        }
        return c;
    }

    /** The Euclidean length of each row. */
    public static double[] rowNorms(float[] w, int rows, int cols) {
        double[] n = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += (double) w[i * cols + j] * w[i * cols + j];
            }
            n[i] = Math.sqrt(s);
        }
        return n;
    }

    /** {@code x} rounded to bfloat16 (nearest, ties to even), as a float32 (finite inputs). */
    public static float bfloat16(float x) {
        int bits = Float.floatToRawIntBits(x);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }

    /** Every value of {@code w} rounded to bfloat16. */
    public static float[] bfloat16(float[] w) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = bfloat16(w[i]);
        }
        return out;
    }

    /** Rows {@code first .. first + count} of {@code w}. */
    public static float[] rows(float[] w, int cols, int first, int count) {
        float[] out = new float[count * cols];
        System.arraycopy(w, first * cols, out, 0, count * cols);
        return out;
    }

    /** A block in a direct buffer (as a memory-mapped F32 slice is). */
    public static FloatRows direct(float[] w, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(Float.BYTES, rows * cols * Float.BYTES)).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(w, 0, rows * cols);
        return new FloatRows(b, rows, cols);
    }

    /** A block in a heap buffer (backends must copy it before computing). */
    public static FloatRows heap(float[] w, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(Float.BYTES, rows * cols * Float.BYTES)).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(w, 0, rows * cols);
        return new FloatRows(b, rows, cols);
    }
}
