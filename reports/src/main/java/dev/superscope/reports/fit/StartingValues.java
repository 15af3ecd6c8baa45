package dev.superscope.reports.fit;

/**
 * Where the joint loss fit starts: for a fixed alpha the law A * m^-alpha + c_g is linear in A and the
 * offsets, with a closed-form least-squares solution (each offset is its group's mean of
 * loss - A * m^-alpha, and A the within-group regression slope of loss on m^-alpha). The residual sum of
 * squares of that solution, as a function of alpha alone, is scanned on a log-spaced grid over
 * [{@link JointLossFit#ALPHA_MIN}, {@link JointLossFit#ALPHA_MAX}], so that the optimizer starts in the
 * basin of the best alpha rather than in whichever local minimum lies nearest a guess.
 *
 * <p>The closed form is kept (rather than a general solver) because it is exact where it matters: losses
 * that do not vary with m within their groups give a residual of exactly zero at every alpha, the first
 * grid point wins, and the fit is refused as not determining alpha instead of following rounding noise.
 */
final class StartingValues {

    /** Grid points over log(alpha). */
    static final int GRID = 400;

    private final int[] group;
    private final int groups;
    private final double[] logM;
    private final double[] y;

    /**
     * @param group  each point's offset group, 0 .. groups - 1
     * @param groups number of offset groups
     * @param logM   each point's ln m
     * @param y      each point's loss
     */
    StartingValues(int[] group, int groups, double[] logM, double[] y) {
        this.group = group.clone();
        this.groups = groups;
        this.logM = logM.clone();
        this.y = y.clone();
    }

    /**
     * The parameters (A, alpha, offsets...) at the grid's best alpha.
     *
     * @throws IllegalArgumentException when no alpha gives a finite fit, or the best lies at an end of the
     *                                  grid (the losses do not determine alpha)
     */
    double[] best() {
        double lo = Math.log(JointLossFit.ALPHA_MIN);
        double hi = Math.log(JointLossFit.ALPHA_MAX);
        int best = -1;
        double bestAlpha = Double.NaN;
        double bestRss = Double.POSITIVE_INFINITY;
        for (int k = 0; k < GRID; k++) {
            double alpha = Math.exp(lo + (hi - lo) * k / (GRID - 1));
            double[] theta = solve(alpha);
            double r = theta == null ? Double.POSITIVE_INFINITY : rss(theta);
            if (r < bestRss) {
                bestRss = r;
                best = k;
                bestAlpha = alpha;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("the losses do not vary with m; A and alpha are not determined");
        }
        if (best == 0 || best == GRID - 1) {
            throw new IllegalArgumentException("the best alpha lies at the end of the search range ["
                    + JointLossFit.ALPHA_MIN + ", " + JointLossFit.ALPHA_MAX + "]; the losses do not determine it");
        }
        return solve(bestAlpha);
    }

    /** (A, alpha, offsets...) with A and the offsets at their least-squares values; null when A is undefined. */
    double[] solve(double alpha) {
        int n = y.length;
        double[] x = new double[n];
        double[] xMean = new double[groups];
        double[] yMean = new double[groups];
        int[] count = new int[groups];
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(-alpha * logM[i]);
            xMean[group[i]] += x[i];
            yMean[group[i]] += y[i];
            count[group[i]]++;
        }
        for (int g = 0; g < groups; g++) {
            xMean[g] /= count[g];
            yMean[g] /= count[g];
        }
        // Centred within each group, so the sums lose nothing to the offsets' size.
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - xMean[group[i]];
            sxx += dx * dx;
            sxy += dx * (y[i] - yMean[group[i]]);
        }
        if (!(sxx > 0)) {
            return null;
        }
        double a = sxy / sxx;
        double[] theta = new double[2 + groups];
        theta[0] = a;
        theta[1] = alpha;
        for (int g = 0; g < groups; g++) {
            theta[2 + g] = yMean[g] - a * xMean[g];
        }
        return theta;
    }

    /** The residuals themselves, not Syy - Sxy^2/Sxx: no cancellation near a perfect fit. */
    private double rss(double[] theta) {
        double rss = 0;
        for (int i = 0; i < y.length; i++) {
            double r = y[i] - (theta[0] * Math.exp(-theta[1] * logM[i]) + theta[2 + group[i]]);
            rss += r * r;
        }
        return rss;
    }
}
