package dev.superscope.analyzers;

import java.util.Arrays;

/**
 * Summary statistics of row norms, with numpy's conventions: sample standard deviation (n - 1),
 * median as the mean of the two middle values for an even count, percentiles by linear
 * interpolation between order statistics.
 *
 * @param count           norms summarised
 * @param mean            their mean
 * @param std             sample standard deviation (NaN for fewer than two)
 * @param min             smallest
 * @param max             largest
 * @param median          the median
 * @param p90             the 90th percentile
 * @param fracRepresented share of norms at least {@code tau * p90}
 */
public record NormStatistics(long count, double mean, double std, double min, double max, double median,
                             double p90, double fracRepresented) {

    /** Statistics of {@code norms} (which this call sorts in place); all NaN when it is empty. */
    public static NormStatistics of(double[] norms, double tau) {
        int n = norms.length;
        if (n == 0) {
            return new NormStatistics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN);
        }
        Arrays.sort(norms);
        double sum = 0;
        for (double r : norms) {
            sum += r;
        }
        double mean = sum / n;
        double squares = 0;
        for (double r : norms) {
            squares += (r - mean) * (r - mean);
        }
        double std = n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN;
        double median = n % 2 == 1 ? norms[n / 2] : (norms[n / 2 - 1] + norms[n / 2]) / 2;
        double p90 = percentileOfSorted(norms, 90);
        double threshold = tau * p90;
        // norms is sorted: the represented rows are a suffix.
        int firstRepresented = lowerBound(norms, threshold);
        double frac = (double) (n - firstRepresented) / n;
        return new NormStatistics(n, mean, std, norms[0], norms[n - 1], median, p90, frac);
    }

    /** numpy.percentile(values, q) with the default linear method, for sorted {@code values}. */
    static double percentileOfSorted(double[] sorted, double q) {
        double position = q / 100.0 * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double t = position - below;
        double a = sorted[below];
        double b = sorted[above];
        // numpy's _lerp: exact at both ends, monotone in t.
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    }

    /** First index whose value is &gt;= {@code key} (values sorted ascending). */
    private static int lowerBound(double[] sorted, double key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
