package dev.superscope.reports.fit;

import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Student's t distribution with {@code dof} degrees of freedom: its distribution function and its
 * quantiles, for confidence intervals of regression slopes. Hipparchus's {@link TDistribution} computes
 * both; this class only fixes how it is asked.
 */
public final class StudentT {

    /**
     * The quantile solver's absolute tolerance: none to speak of, so that Brent's relative tolerance
     * (2e-14 |t|) decides. Hipparchus's default, 1e-9, would leave 2.5706 wrong in its tenth digit.
     */
    private static final double QUANTILE_ABSOLUTE_ACCURACY = Double.MIN_NORMAL;

    private StudentT() {
    }

    /** P(T <= t). */
    public static double cdf(double t, double dof) {
        checkDof(dof);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        return distribution(dof).cumulativeProbability(t);
    }

    /**
     * The p-quantile: the t with P(T <= t) = p, for 0 < p < 1 (e.g. {@code quantile(0.975, 5)} = 2.5706).
     * An upper quantile is found as minus the lower one for 1 - p (exact in doubles for p >= 1/2): the
     * lower tail is the distribution function without cancellation, where near p = 1 the values 1 - tail
     * would all round to the same double and the solver could not tell them apart.
     */
    public static double quantile(double p, double dof) {
        checkDof(dof);
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile needs 0 < p < 1, not " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        TDistribution t = distribution(dof);
        return p > 0.5 ? -t.inverseCumulativeProbability(1 - p) : t.inverseCumulativeProbability(p);
    }

    private static TDistribution distribution(double dof) {
        return new TDistribution(dof, QUANTILE_ABSOLUTE_ACCURACY);
    }

    private static void checkDof(double dof) {
        if (!(dof > 0) || Double.isInfinite(dof)) {
            throw new IllegalArgumentException("degrees of freedom must be positive and finite, not " + dof);
        }
    }
}
