package dev.superscope.pipeline.demo;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * The two synthetic regimes the demo builds, each a family of LM heads of several widths.
 *
 * <ul>
 *   <li>{@link #STRONG}: every token is represented — rows point in random directions with norms near 1,
 *       so the mean squared overlap is 1/m on average, as the paper finds for real LLM heads.</li>
 *   <li>{@link #WEAK}: only the most frequent quarter of the vocabulary (the first rows) is represented,
 *       in random directions with norms near 1; the other rows have norms near 0.01 and, like the
 *       untrained rows of real vocabularies, lean towards one shared direction. Their raw overlaps do not
 *       fall like 1/m; removing the mean row ({@code msq_overlap_centered}) takes most of that away.</li>
 * </ul>
 * Rows are generated from a seed per row, so a checkpoint can be written one block at a time.
 */
public enum DemoFamily {
    STRONG(1.0),
    WEAK(0.25);

    private final double representedShare;

    DemoFamily(double representedShare) {
        this.representedShare = representedShare;
    }

    /** The family name used in reports. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT) + "-superposition";
    }

    /** Fills {@code dst} with rows {@code first .. first+count-1} of the n x m head of this family. */
    void fillRows(long seed, int n, int m, long first, int count, FloatBuffer dst) {
        long represented = Math.round(representedShare * n);
        double[] shared = unitGaussian(new SplittableRandom(seed * 31 + m), m);
        for (long row = first; row < first + count; row++) {
            SplittableRandom random = new SplittableRandom((seed * 1_000_003L + m) * 7919L + row + ordinal() * 104_729L);
            double[] direction = unitGaussian(random, m);
            double norm = Math.exp(0.1 * random.nextGaussian());
            if (row >= represented) {
                for (int k = 0; k < m; k++) {
                    direction[k] = shared[k] + 0.5 * direction[k];
                }
                norm *= 0.01 / Math.sqrt(dot(direction, direction));
            }
            for (int k = 0; k < m; k++) {
                dst.put((float) (direction[k] * norm));
            }
        }
    }

    private static double[] unitGaussian(SplittableRandom random, int m) {
        double[] g = new double[m];
        for (int k = 0; k < m; k++) {
            g[k] = random.nextGaussian();
        }
        double length = Math.sqrt(dot(g, g));
        for (int k = 0; k < m; k++) {
            g[k] /= length;
        }
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
