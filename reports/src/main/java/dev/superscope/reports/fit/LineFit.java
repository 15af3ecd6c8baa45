package dev.superscope.reports.fit;

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
     * Fits y on x by least squares (centred sums, so large offsets lose no precision).
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
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
            }
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            return new LineFit(n, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - (intercept + slope * x[i]);
            sse += r * r;
        }
        double stderr = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : Double.NaN;
        double r2 = syy > 0 ? 1 - sse / syy : Double.NaN;
        return new LineFit(n, slope, intercept, stderr, r2);
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
