package dev.superscope.reports.plot;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The counts behind {@code norms_<model>.png}: the row norms of one matrix in equal bins from 0 to the
 * largest norm, each bin split into padding rows (ids at or beyond the tokenizer's vocabulary), collapsed
 * rows (valid rows whose nearest neighbour has |cos| at or above the collapse threshold) and the other
 * rows, in that order of precedence; and the represented-row threshold tau x (90th-percentile norm).
 * Non-finite norms are left out and counted.
 *
 * @param edges        bins + 1 bin edges, from 0 to the largest finite norm
 * @param other        per bin, rows neither padding nor collapsed
 * @param collapsed    per bin, collapsed rows that are not padding
 * @param padded       per bin, padding rows
 * @param represented  tau x the 90th-percentile norm (numpy's linear percentile), NaN without finite norms
 * @param nonFinite    rows whose norm is not finite (not in any bin)
 * @param collapseMeasured whether nearest neighbours were known (the pairwise analyzer ran)
 */
public record NormHistogram(double[] edges, long[] other, long[] collapsed, long[] padded, double represented,
                            long nonFinite, boolean collapseMeasured) {

    /** Bins of the default histogram. */
    public static final int BINS = 60;

    /**
     * Counts {@code norms} (one per row) into {@code bins} bins.
     *
     * @param nearestCos     per row, its nearest neighbour's |cos| (NaN for none), or null when the pairwise
     *                       scan did not run (then no row is collapsed)
     * @param threshold      the collapse threshold
     * @param tokenizerVocab rows at or beyond it are padding
     * @param tau            the represented-row fraction of the 90th-percentile norm
     */
    public static NormHistogram of(double[] norms, double[] nearestCos, double threshold, OptionalInt tokenizerVocab,
                                   double tau, int bins) {
        double[] finite = Arrays.stream(norms).filter(Double::isFinite).sorted().toArray();
        double max = finite.length == 0 ? 1 : finite[finite.length - 1];
        double top = max > 0 ? max : 1;
        double[] edges = new double[bins + 1];
        for (int k = 0; k <= bins; k++) {
            edges[k] = top * k / bins;
        }
        long[] other = new long[bins];
        long[] collapsed = new long[bins];
        long[] padded = new long[bins];
        long nonFinite = 0;
        for (int i = 0; i < norms.length; i++) {
            if (!Double.isFinite(norms[i])) {
                nonFinite++;
                continue;
            }
            int k = Math.min(bins - 1, (int) (norms[i] / top * bins));
            if (tokenizerVocab.isPresent() && i >= tokenizerVocab.getAsInt()) {
                padded[k]++;
            } else if (nearestCos != null && i < nearestCos.length && collapsed(nearestCos[i], threshold)) {
                collapsed[k]++;
            } else {
                other[k]++;
            }
        }
        return new NormHistogram(edges, other, collapsed, padded, tau * percentile(finite, 90), nonFinite,
                nearestCos != null);
    }

    /** Rows counted in some bin. */
    public long total() {
        return Arrays.stream(other).sum() + Arrays.stream(collapsed).sum() + Arrays.stream(padded).sum();
    }

    /** numpy.percentile (linear) of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double position = q / 100 * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    /**
     * Whether a row whose nearest |cos| is {@code nearest} counts as collapsed: compared in float32, as the
     * pairwise scan compares it, so the picture marks exactly the rows {@code collapsed_rows} counts (at 0.95,
     * say, the double and float thresholds differ).
     */
    static boolean collapsed(double nearest, double threshold) {
        return (float) nearest >= (float) threshold;
    }
}
