package dev.superscope.analyzers.scan;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The per-element work on one tile of cosines C = U_I U_J^T, folded into {@link PairStatistics} in one
 * fused pass per tile, split by rows over every core.
 *
 * <p>Why Java and not more backend calls: DJL 0.36 exposes no histogram, bincount or scatter-add, and
 * each elementwise engine op on a tile allocates and streams a whole new tile (measured on 2 cores,
 * 2048 x 2048 tiles: abs+sum+max 8 ms, the two scaled max-reductions of the decode error 31 ms, versus
 * 8 ms for the GEMM at m = 16 and 5 ms for this whole fused pass). So the backend forms the product and
 * this kernel reads it in place and folds each element into:
 * <ul>
 *   <li>pairwise: the sum and maximum of |cos| and a histogram over [-1, 1] (values that rounding
 *   puts just outside go to the end bins), over i &lt; j only;</li>
 *   <li>decode error: each row's best competitor score w_j . u_i = r_j cos_ij and its id, from the rows of
 *   C scaled by r_J and, on off-diagonal tiles, the columns of C scaled by r_I (the same cosine serves
 *   (i, j) and (j, i)), plus each row's own score r_i cos_ii from the diagonal tile, computed the same
 *   way as its competitors' (like the reference's w_i . u_i), so that a row duplicated exactly ties with
 *   its copy instead of losing to float32 rounding of |u_i|;</li>
 *   <li>nearest neighbours: each row's largest |cos| with another row and its id;</li>
 *   <li>collapsed rows: every pair with |cos| at or above the threshold is linked;</li>
 *   <li>top pairs: each task keeps its own K best pairs (only pairs at or above the kept pairs' floor,
 *   which starts at the scan's floor so far, are offered), merged into the scan's after the tile.</li>
 * </ul>
 * Candidates are visited in increasing id within a tile row and a kept candidate must be strictly
 * better, so ties go to the lowest id here as in {@link PairStatistics#merge}.
 */
final class CosineTileKernel {
    private final PairStatistics stats;
    private final int bins;
    private final double halfBins;
    private final float threshold;
    private final int parallelism;

    CosineTileKernel(PairStatistics stats) {
        this.stats = stats;
        this.bins = stats.bins();
        this.halfBins = bins / 2.0;
        this.threshold = stats.collapseThreshold();
        this.parallelism = Runtime.getRuntime().availableProcessors();
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
     * A diagonal tile (I = J, t x t). Pairwise and links over the strict upper triangle; competitors and
     * nearest neighbours over every j != i; the own score from C_ii.
     */
    void diagonal(FloatBuffer c, int t, float[] norms, int[] globalRows) {
        int[] bounds = splits(t);
        Partial[] partials = IntStream.range(0, bounds.length - 1).parallel().mapToObj(p -> {
            Partial part = new Partial(0, t);
            float[] row = part.row;
            for (int i = bounds[p]; i < bounds[p + 1]; i++) {
                c.get(i * t, row, 0, t);
                int gi = globalRows[i];
                float best = Float.NEGATIVE_INFINITY;
                int bestAt = -1;
                float near = Float.NEGATIVE_INFINITY;
                int nearAt = -1;
                for (int j = 0; j < i; j++) {
                    float s = row[j] * norms[j];
                    if (s > best) {
                        best = s;
                        bestAt = j;
                    }
                    float a = Math.abs(row[j]);
                    if (a > near) {
                        near = a;
                        nearAt = j;
                    }
                }
                stats.own(gi, row[i] * norms[i]);
                part.upperRow(gi, i + 1, t, norms, globalRows);
                if (part.rowBestAt >= 0 && part.rowBest > best) {
                    best = part.rowBest;
                    bestAt = part.rowBestAt;
                }
                if (part.rowNearAt >= 0 && part.rowNear > near) {
                    near = part.rowNear;
                    nearAt = part.rowNearAt;
                }
                if (bestAt >= 0) {
                    stats.offerCompetitor(gi, best, globalRows[bestAt]);
                    stats.offerNearest(gi, near, globalRows[nearAt]);
                }
            }
            return part;
        }).toArray(Partial[]::new);
        merge(partials, null);
    }

    /**
     * An off-diagonal tile (J after I, tI x tJ): pairwise and links over every element; competitors and
     * nearest neighbours for rows of I (along rows) and rows of J (along columns).
     */
    void offDiagonal(FloatBuffer c, int tI, int tJ, float[] normsI, int[] rowsI, float[] normsJ, int[] rowsJ) {
        int[] bounds = splits(tI);
        Partial[] partials = IntStream.range(0, bounds.length - 1).parallel().mapToObj(p -> {
            Partial part = new Partial(tJ, tJ);
            float[] row = part.row;
            for (int i = bounds[p]; i < bounds[p + 1]; i++) {
                c.get(i * tJ, row, 0, tJ);
                float ri = normsI[i];
                int gi = rowsI[i];
                for (int j = 0; j < tJ; j++) {
                    float s = row[j] * ri;
                    if (s > part.colBest[j]) {
                        part.colBest[j] = s;
                        part.colBestAt[j] = gi;
                    }
                    float a = Math.abs(row[j]);
                    if (a > part.colNear[j]) {
                        part.colNear[j] = a;
                        part.colNearAt[j] = gi;
                    }
                }
                part.upperRow(gi, 0, tJ, normsJ, rowsJ);
                stats.offerCompetitor(gi, part.rowBest, rowsJ[part.rowBestAt]);
                stats.offerNearest(gi, part.rowNear, rowsJ[part.rowNearAt]);
            }
            return part;
        }).toArray(Partial[]::new);
        merge(partials, rowsJ);
    }

    private void merge(Partial[] partials, int[] columnRows) {
        for (Partial part : partials) {
            stats.sumAbs += part.sumAbs;
            stats.maxAbs = Math.max(stats.maxAbs, part.maxAbs);
            for (int k = 0; k < bins; k++) {
                stats.histogram[k] += part.histogram[k] + part.histogram2[k];
            }
            stats.topPairs.merge(part.top);
            for (int e = 0; e < part.linkCount; e += 2) {
                stats.link(part.links[e], part.links[e + 1]);
            }
            if (columnRows != null) {
                for (int j = 0; j < columnRows.length; j++) {
                    if (part.colBestAt[j] >= 0) {
                        stats.offerCompetitor(columnRows[j], part.colBest[j], part.colBestAt[j]);
                        stats.offerNearest(columnRows[j], part.colNear[j], part.colNearAt[j]);
                    }
                }
            }
        }
    }

    /** One task's accumulators. */
    private final class Partial {
        final long[] histogram = new long[bins];
        final long[] histogram2 = new long[bins];
        final float[] colBest;
        final int[] colBestAt;
        final float[] colNear;
        final int[] colNearAt;
        /** The tile row being worked on, copied out of the backend's buffer (arrays JIT better). */
        final float[] row;
        double sumAbs;
        float maxAbs;
        /** The best competitor and nearest neighbour of the last {@link #upperRow}, as tile columns. */
        float rowBest;
        int rowBestAt;
        float rowNear;
        int rowNearAt;
        int[] links = new int[16];
        int linkCount;
        /** This task's best pairs, and the |cos| below which a pair cannot make the scan's best. */
        final TopPairs top;
        float topFloor;

        Partial(int columns, int rowLength) {
            top = new TopPairs(stats.topPairs.capacity());
            topFloor = stats.topPairs.floor();
            row = new float[rowLength];
            colBest = new float[columns];
            colBestAt = new int[columns];
            colNear = new float[columns];
            colNearAt = new int[columns];
            Arrays.fill(colBest, Float.NEGATIVE_INFINITY);
            Arrays.fill(colBestAt, -1);
            Arrays.fill(colNear, Float.NEGATIVE_INFINITY);
            Arrays.fill(colNearAt, -1);
        }

        /**
         * Elements {@code from..to-1} of {@link #row} (the tile row of row {@code rowId}): pairwise
         * accumulation, links,
         * and the row's best competitor and nearest neighbour among them ({@link #rowBest},
         * {@link #rowNear}; their positions -1 when the range is empty).
         */
        void upperRow(int rowId, int from, int to, float[] norms, int[] columnRows) {
            float[] c = row;
            // Two histograms and two sums break the dependency chains between neighbouring elements,
            // which mostly fall in the same bin.
            double s0 = 0;
            double s1 = 0;
            float rb = Float.NEGATIVE_INFINITY;
            int rbAt = -1;
            float rn = Float.NEGATIVE_INFINITY;
            int rnAt = -1;
            // Pairs below both the collapse threshold and the kept pairs' floor need neither: one test.
            float gate = Math.min(threshold, topFloor);
            int j = from;
            for (; j + 1 < to; j += 2) {
                float a = c[j];
                float b = c[j + 1];
                float aa = Math.abs(a);
                float ab = Math.abs(b);
                s0 += aa;
                s1 += ab;
                histogram[bin(a)]++;
                histogram2[bin(b)]++;
                float sa = a * norms[j];
                float sb = b * norms[j + 1];
                if (sa > rb) {
                    rb = sa;
                    rbAt = j;
                }
                if (sb > rb) {
                    rb = sb;
                    rbAt = j + 1;
                }
                if (aa > rn) {
                    rn = aa;
                    rnAt = j;
                }
                if (ab > rn) {
                    rn = ab;
                    rnAt = j + 1;
                }
                if (aa >= gate) {
                    gate = linkOrOffer(rowId, columnRows[j], a, aa);
                }
                if (ab >= gate) {
                    gate = linkOrOffer(rowId, columnRows[j + 1], b, ab);
                }
            }
            if (j < to) {
                float a = c[j];
                float aa = Math.abs(a);
                s0 += aa;
                histogram[bin(a)]++;
                float sa = a * norms[j];
                if (sa > rb) {
                    rb = sa;
                    rbAt = j;
                }
                if (aa > rn) {
                    rn = aa;
                    rnAt = j;
                }
                if (aa >= gate) {
                    linkOrOffer(rowId, columnRows[j], a, aa);
                }
            }
            sumAbs += s0 + s1;
            // The largest |cos| of the range is the nearest neighbour's, tracked anyway: no second maximum.
            if (rnAt >= 0 && rn > maxAbs) {
                maxAbs = rn;
            }
            rowBest = rb;
            rowBestAt = rbAt;
            rowNear = rn;
            rowNearAt = rnAt;
        }

        /** Links the pair (i, j) and offers it to the best pairs as each requires; returns the new gate. */
        private float linkOrOffer(int i, int j, float cosine, float abs) {
            if (abs >= threshold) {
                link(i, j);
            }
            if (abs >= topFloor) {
                offerTop(i, j, cosine);
            }
            return Math.min(threshold, topFloor);
        }

        /** Offers the pair (i, j) to this task's best pairs and raises the floor as they fill. */
        private void offerTop(int i, int j, float cosine) {
            top.offer(i, j, cosine);
            topFloor = Math.max(topFloor, top.floor());
        }

        /** Remembers the pair of rows {@code a}, {@code b} for linking once the tile is done. */
        private void link(int a, int b) {
            if (linkCount + 2 > links.length) {
                links = Arrays.copyOf(links, links.length * 2);
            }
            links[linkCount++] = a;
            links[linkCount++] = b;
        }

        private int bin(float cosine) {
            int k = (int) ((cosine + 1.0) * halfBins);
            return k >= bins ? bins - 1 : (k < 0 ? 0 : k);
        }
    }
}
