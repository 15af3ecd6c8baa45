package dev.superscope.reports.fit;

/**
 * Student's t distribution with {@code dof} degrees of freedom: its distribution function and its
 * quantiles, for confidence intervals of regression slopes.
 */
public final class StudentT {

    private StudentT() {
    }

    /** P(T <= t). */
    public static double cdf(double t, double dof) {
        checkDof(dof);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        return t >= 0 ? 1 - upperTail(t, dof) : upperTail(-t, dof);
    }

    /**
     * The p-quantile: the t with P(T <= t) = p, for 0 < p < 1 (e.g. {@code quantile(0.975, 5)} = 2.5706).
     * Found by bisection on the upper tail, computed directly so that p close to 1 keeps its accuracy;
     * the result is as accurate as the distribution function (about 1e-13 relative).
     */
    public static double quantile(double p, double dof) {
        checkDof(dof);
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile needs 0 < p < 1, not " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        return p > 0.5 ? upperQuantile(1 - p, dof) : -upperQuantile(p, dof);
    }

    /** P(T > t) for t >= 0: half the regularized incomplete beta I_{v/(v+t^2)}(v/2, 1/2). */
    static double upperTail(double t, double dof) {
        if (Double.isInfinite(t)) {
            return 0;
        }
        double t2 = t * t;
        double x = dof / (dof + t2);
        double y = t2 / (dof + t2);
        return 0.5 * SpecialFunctions.regularizedBeta(x, y, dof / 2, 0.5);
    }

    /** The t >= 0 with P(T > t) = q, 0 < q < 0.5. */
    private static double upperQuantile(double q, double dof) {
        double lo = 0;
        double hi = 1;
        while (upperTail(hi, dof) > q) {
            lo = hi;
            hi *= 2;
            if (Double.isInfinite(hi)) {
                return Double.POSITIVE_INFINITY;
            }
        }
        for (int i = 0; i < 2000; i++) {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (upperTail(mid, dof) > q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo + (hi - lo) / 2;
    }

    private static void checkDof(double dof) {
        if (!(dof > 0) || Double.isInfinite(dof)) {
            throw new IllegalArgumentException("degrees of freedom must be positive and finite, not " + dof);
        }
    }
}
