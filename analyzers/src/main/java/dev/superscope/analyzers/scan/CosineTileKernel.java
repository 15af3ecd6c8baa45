package dev.superscope.analyzers.scan;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The per-element work on one tile of cosines C = U_I U_J^T, done in one fused pass per tile.
 *
 * <p>Why Java and not more engine calls: DJL 0.36 exposes no histogram, bincount or scatter-add, and
 * each elementwise engine op on a tile allocates and streams a whole new tile (measured on 2 cores,
 * 2048 x 2048 tiles: abs+sum+max 8 ms, the two scaled max-reductions of the decode error 31 ms, versus
 * 8 ms for the GEMM at m = 16 and 5 ms for this whole fused pass). So the engine does the GEMM and
 * this kernel reads the product in place (a direct view of the engine's memory, no copy), split by
 * rows over every core, and folds each element into:
 * <ul>
 *   <li>pairwise: the sum and maximum of |cos| and a histogram over [-1, 1] (values that rounding
 *   puts just outside go to the end bins), over i &lt; j only;</li>
 *   <li>decode error: each row's best competitor score w_j . u_i = r_j cos_ij, from the row maxima of
 *   C scaled by r_J and, on off-diagonal tiles, the column maxima of C scaled by r_I (the same cosine
 *   serves (i, j) and (j, i)), plus each row's own score r_i cos_ii from the diagonal tile, computed
 *   the same way as its competitors' (like the reference's w_i . u_i), so that a row duplicated
 *   exactly ties with its copy instead of losing to float32 rounding of |u_i|.</li>
 * </ul>
 */
final class CosineTileKernel {
    private final int bins;
    private final double halfBins;
    private final int parallelism;

    double sumAbs;
    float maxAbs;
    final long[] histogram;

    CosineTileKernel(int bins) {
        this.bins = bins;
        this.halfBins = bins / 2.0;
        this.parallelism = Runtime.getRuntime().availableProcessors();
        this.histogram = new long[bins];
    }

    /** Rows of the tile handed to each task: a few per core, so uneven diagonal rows balance. */
    private int[] splits(int rows) {
        int parts = Math.max(1, Math.min(rows, parallelism * 4));
        int[] bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            bounds[p] = (int) ((long) rows * p / parts);
        }
        return bounds;
    }

    /**
     * A diagonal tile (I = J, t x t). Pairwise over the strict upper triangle; the decode error over
     * every j != i; own[i] = r_i C_ii.
     */
    void diagonal(FloatBuffer c, int t, float[] norms, int[] globalRows, float[] best, float[] own) {
        int[] bounds = splits(t);
        Partial[] partials = IntStream.range(0, bounds.length - 1).parallel().mapToObj(p -> {
            Partial part = new Partial(bins, 0, t);
            float[] row = part.row;
            for (int i = bounds[p]; i < bounds[p + 1]; i++) {
                c.get(i * t, row, 0, t);
                float rowBest = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < i; j++) {
                    float s = row[j] * norms[j];
                    rowBest = s > rowBest ? s : rowBest;
                }
                own[globalRows[i]] = row[i] * norms[i];
                rowBest = part.upperRow(i + 1, t, norms, rowBest);
                int g = globalRows[i];
                best[g] = rowBest > best[g] ? rowBest : best[g];
            }
            return part;
        }).toArray(Partial[]::new);
        merge(partials);
    }

    /**
     * An off-diagonal tile (J after I, tI x tJ): pairwise over every element, the decode error for
     * rows of I (row maxima) and rows of J (column maxima).
     */
    void offDiagonal(FloatBuffer c, int tI, int tJ, float[] normsI, int[] rowsI, float[] normsJ, int[] rowsJ,
                     float[] best) {
        int[] bounds = splits(tI);
        Partial[] partials = IntStream.range(0, bounds.length - 1).parallel().mapToObj(p -> {
            Partial part = new Partial(bins, tJ, tJ);
            float[] colBest = part.columnBest;
            float[] row = part.row;
            for (int i = bounds[p]; i < bounds[p + 1]; i++) {
                c.get(i * tJ, row, 0, tJ);
                float ri = normsI[i];
                for (int j = 0; j < tJ; j++) {
                    float s = row[j] * ri;
                    colBest[j] = s > colBest[j] ? s : colBest[j];
                }
                float rowBest = part.upperRow(0, tJ, normsJ, Float.NEGATIVE_INFINITY);
                int g = rowsI[i];
                best[g] = rowBest > best[g] ? rowBest : best[g];
            }
            return part;
        }).toArray(Partial[]::new);
        merge(partials);
        for (Partial part : partials) {
            for (int j = 0; j < tJ; j++) {
                int g = rowsJ[j];
                float s = part.columnBest[j];
                best[g] = s > best[g] ? s : best[g];
            }
        }
    }

    private void merge(Partial[] partials) {
        for (Partial part : partials) {
            sumAbs += part.sumAbs;
            maxAbs = part.maxAbs > maxAbs ? part.maxAbs : maxAbs;
            for (int k = 0; k < bins; k++) {
                histogram[k] += part.histogram[k] + part.histogram2[k];
            }
        }
    }

    /** One task's accumulators. */
    private final class Partial {
        final long[] histogram;
        final long[] histogram2;
        final float[] columnBest;
        /** The tile row being worked on, copied out of the engine's buffer (arrays JIT better). */
        final float[] row;
        double sumAbs;
        float maxAbs;

        Partial(int bins, int columns, int rowLength) {
            row = new float[rowLength];
            histogram = new long[bins];
            histogram2 = new long[bins];
            columnBest = new float[columns];
            Arrays.fill(columnBest, Float.NEGATIVE_INFINITY);
        }

        /**
         * Elements {@code from..to-1} of {@link #row}: pairwise accumulation, and the row's best
         * competitor score (starting from {@code rowBest}).
         */
        float upperRow(int from, int to, float[] norms, float rowBest) {
            float[] c = row;
            // Two histograms and two sums break the dependency chains between neighbouring elements,
            // which mostly fall in the same bin.
            double s0 = 0;
            double s1 = 0;
            float mx = maxAbs;
            float rb = rowBest;
            int j = from;
            for (; j + 1 < to; j += 2) {
                float a = c[j];
                float b = c[j + 1];
                float aa = Math.abs(a);
                float ab = Math.abs(b);
                s0 += aa;
                s1 += ab;
                mx = aa > mx ? aa : mx;
                mx = ab > mx ? ab : mx;
                histogram[bin(a)]++;
                histogram2[bin(b)]++;
                float sa = a * norms[j];
                float sb = b * norms[j + 1];
                rb = sa > rb ? sa : rb;
                rb = sb > rb ? sb : rb;
            }
            if (j < to) {
                float a = c[j];
                float aa = Math.abs(a);
                s0 += aa;
                mx = aa > mx ? aa : mx;
                histogram[bin(a)]++;
                float sa = a * norms[j];
                rb = sa > rb ? sa : rb;
            }
            sumAbs += s0 + s1;
            maxAbs = mx;
            return rb;
        }

        private int bin(float cosine) {
            int k = (int) ((cosine + 1.0) * halfBins);
            return k >= bins ? bins - 1 : (k < 0 ? 0 : k);
        }
    }
}
