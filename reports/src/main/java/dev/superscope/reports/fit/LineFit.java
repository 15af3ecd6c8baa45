package dev.superscope.reports.fit;

import org.hipparchus.stat.regression.OLSMultipleLinearRegression;

/**
 * An ordinary least-squares line y = intercept + slope * x.
 *
 * @param n           number of points
 * @param slope       the fitted slope (NaN when every x is the same)
 * @param intercept   the fitted intercept (NaN when every x is the same)
 * @param slopeStderr the slope's classic standard error sqrt(SSE / (n - 2) / Sxx); NaN for n = 2
 * @param r2          1 - SSE / SST; NaN when every y is the same or the slope is undefined
 */
public record LineFit(int n, double slope, double intercept, double slopeStderr, double r2) {

    /**
     * Fits y on x by least squares: Hipparchus's QR regression, whose residuals are computed one by one
     * (not as Syy - Sxy^2 / Sxx, which cancels to noise when the line is nearly exact and would give an
     * exact power law a standard error of 1e-8 instead of 0).
     *
     * @throws IllegalArgumentException with fewer than two points, arrays of different lengths, or a
     *                                  non-finite value
     */
    public static LineFit ols(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
        }
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("a line needs at least two points, not " + n);
        }
        double[][] design = new double[n][];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
            }
            design[i] = new double[] {x[i]};
        }
        // One width only: the slope is undefined, and QR would return rounding noise rather than say so.
        if (allEqual(x)) {
            return new LineFit(n, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        OLSMultipleLinearRegression regression = new OLSMultipleLinearRegression();
        regression.newSampleData(y, design);
        double[] beta = regression.estimateRegressionParameters();
        double stderr = n > 2 ? regression.estimateRegressionParametersStandardErrors()[1] : Double.NaN;
        // A flat y has no variance to explain (1 - 0/0), whatever rounding leaves in the residuals.
        double r2 = allEqual(y) ? Double.NaN : regression.calculateRSquared();
        // + 0.0: QR gives a flat y the slope -0.0, which fits.csv would print with its sign.
        return new LineFit(n, beta[1] + 0.0, beta[0], stderr, r2);
    }

    private static boolean allEqual(double[] values) {
        for (double v : values) {
            if (v != values[0]) {
                return false;
            }
        }
        return true;
    }

    /** Degrees of freedom of the residuals, n - 2. */
    public int dof() {
        return n - 2;
    }

    /** The line's value at x. */
    public double predict(double x) {
        return intercept + slope * x;
    }

    /**
     * The two-sided confidence interval for the slope at {@code level} (e.g. 0.95): slope +- t * stderr
     * with the Student t quantile for n - 2 degrees of freedom; {@code [NaN, NaN]} for fewer than three
     * points.
     */
    public double[] slopeInterval(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), not " + level);
        }
        if (n < 3 || Double.isNaN(slopeStderr)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double half = StudentT.quantile(0.5 + level / 2, n - 2) * slopeStderr;
        return new double[] {slope - half, slope + half};
    }
}
