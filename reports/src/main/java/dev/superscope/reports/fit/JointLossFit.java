package dev.superscope.reports.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The paper's joint fit of losses against width (Liu, Liu &amp; Gore 2025, Fig. 8b):
 * loss_{f,d}(m) = A * m^(-alpha) + c_{f,d}, one amplitude A and exponent alpha shared by every point and
 * one offset c per (family, dataset) group, fitted by nonlinear least squares on the losses themselves
 * (residuals in nats: the noise of a measured loss is additive, and the paper's statement is that the loss
 * minus its floor follows m^-alpha, not that its logarithm does).
 *
 * <p>How: variable projection. For a fixed alpha the model is linear in A and the offsets, and that
 * least-squares problem has a closed form (each offset is its group's mean of loss - A * m^-alpha, and A
 * is the within-group regression slope of loss on m^-alpha). What remains is the residual sum of squares
 * as a function of alpha alone: it is evaluated on a log-spaced grid over [{@link #ALPHA_MIN},
 * {@link #ALPHA_MAX}] (so a poor local minimum cannot capture the search), and the best grid point's
 * bracket is refined by golden-section search to machine precision. The optimum of the profile is the
 * optimum of the full problem. A minimum at either end of the grid means the data do not pin alpha down
 * (alpha -&gt; 0 is a logarithmic law whose A and alpha trade off), and is refused.
 *
 * <p>Standard errors: the Jacobian J of the model with respect to (A, alpha, offsets) at the optimum gives
 * cov = s^2 (J^T J)^-1 with s^2 = RSS / (N - p), p = 2 + number of groups; J^T J is inverted after scaling
 * to unit diagonal, and a (near-)singular J^T J (for example two widths per group, the same in every group,
 * which fix only the product of A and alpha) is refused as not identifiable.
 *
 * @param points     the losses fitted, in the order given
 * @param groups     the (family, dataset) groups, in name order; offsets and their covariance rows follow it
 * @param a          the amplitude A
 * @param alpha      the exponent alpha
 * @param offsets    each group's offset c, in {@link #groups} order
 * @param covariance the p x p covariance of (A, alpha, offsets...)
 * @param rss        the residual sum of squares (nats^2)
 * @param tss        the total sum of squares of the losses about their mean
 */
public record JointLossFit(List<LossPoint> points, List<Group> groups, double a, double alpha, double[] offsets,
                           double[][] covariance, double rss, double tss) {

    /** Smallest exponent searched. */
    public static final double ALPHA_MIN = 0.01;
    /** Largest exponent searched. */
    public static final double ALPHA_MAX = 5;

    private static final int GRID = 400;
    /** A pivot of the unit-diagonal J^T J below this is a parameter the data cannot determine. */
    private static final double SINGULAR = 1e-10;

    /**
     * One (family, dataset) group, whose points share an offset.
     *
     * @param family  the model family
     * @param dataset the dataset (corpus) the losses were measured on
     */
    public record Group(String family, String dataset) implements Comparable<Group> {

        public Group {
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(dataset, "dataset");
        }

        /** {@code family/dataset}. */
        public String label() {
            return family + "/" + dataset;
        }

        @Override
        public int compareTo(Group o) {
            int c = family.compareTo(o.family);
            return c != 0 ? c : dataset.compareTo(o.dataset);
        }
    }

    /**
     * One measured loss.
     *
     * @param model   the model's name
     * @param family  its family
     * @param dataset the dataset the loss was measured on
     * @param m       the model's width (&gt; 0)
     * @param loss    the loss in nats per token (finite)
     */
    public record LossPoint(String model, String family, String dataset, int m, double loss) {

        public LossPoint {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(dataset, "dataset");
            if (m <= 0 || !Double.isFinite(loss)) {
                throw new IllegalArgumentException("point " + model + "/" + dataset + ": m=" + m + " loss=" + loss);
            }
        }

        /** The point's offset group. */
        public Group group() {
            return new Group(family, dataset);
        }
    }

    /** Each group's offset, in {@link #groups} order (a copy). */
    @Override
    public double[] offsets() {
        return offsets.clone();
    }

    /** The covariance of (A, alpha, offsets...) (a copy). */
    @Override
    public double[][] covariance() {
        double[][] copy = new double[covariance.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = covariance[i].clone();
        }
        return copy;
    }

    /** Number of parameters: A, alpha and one offset per group. */
    public int parameters() {
        return 2 + groups.size();
    }

    /** Residual degrees of freedom, N - p. */
    public int dof() {
        return points.size() - parameters();
    }

    /** Standard error of A. */
    public double aStderr() {
        return Math.sqrt(covariance[0][0]);
    }

    /** Standard error of alpha. */
    public double alphaStderr() {
        return Math.sqrt(covariance[1][1]);
    }

    /** The offset of a group; NaN when the fit has no such group. */
    public double offset(Group g) {
        int i = groups.indexOf(g);
        return i < 0 ? Double.NaN : offsets[i];
    }

    /** Standard error of a group's offset; NaN when the fit has no such group. */
    public double offsetStderr(Group g) {
        int i = groups.indexOf(g);
        return i < 0 ? Double.NaN : Math.sqrt(covariance[2 + i][2 + i]);
    }

    /** 1 - RSS / TSS; NaN when every loss is the same. */
    public double r2() {
        return tss > 0 ? 1 - rss / tss : Double.NaN;
    }

    /** The fitted loss of a group at width m: A * m^-alpha + c. */
    public double predict(Group g, double m) {
        return a * Math.pow(m, -alpha) + offset(g);
    }

    /**
     * Fits the points.
     *
     * @throws IllegalArgumentException with a one-line reason when the parameters cannot be determined:
     *                                  fewer than p + 1 points, a single width in every group, alpha at the
     *                                  end of its search range, or a singular J^T J
     */
    public static JointLossFit fit(List<LossPoint> points) {
        List<LossPoint> pts = List.copyOf(points);
        List<Group> groups = new ArrayList<>(new TreeSet<>(pts.stream().map(LossPoint::group).toList()));
        int n = pts.size();
        int p = 2 + groups.size();
        if (n < p + 1) {
            throw new IllegalArgumentException(n + " losses for " + p + " parameters (A, alpha and " + groups.size()
                    + " offset(s)); at least " + (p + 1) + " are needed");
        }
        Map<Group, Integer> index = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            index.put(groups.get(g), g);
        }
        int[] group = new int[n];
        double[] logM = new double[n];
        double[] y = new double[n];
        boolean twoWidths = false;
        int[] firstM = new int[groups.size()];
        for (int i = 0; i < n; i++) {
            LossPoint pt = pts.get(i);
            group[i] = index.get(pt.group());
            logM[i] = Math.log(pt.m());
            y[i] = pt.loss();
            if (firstM[group[i]] == 0) {
                firstM[group[i]] = pt.m();
            } else if (firstM[group[i]] != pt.m()) {
                twoWidths = true;
            }
        }
        if (!twoWidths) {
            throw new IllegalArgumentException("every (family, dataset) group has a single width; A and alpha are not"
                    + " determined");
        }
        Profile profile = new Profile(group, groups.size(), logM, y);

        // Grid over log(alpha): the profile can have several local minima, and the grid finds the basin.
        double lo = Math.log(ALPHA_MIN);
        double hi = Math.log(ALPHA_MAX);
        double[] grid = new double[GRID];
        int best = -1;
        double bestRss = Double.POSITIVE_INFINITY;
        for (int k = 0; k < GRID; k++) {
            grid[k] = Math.exp(lo + (hi - lo) * k / (GRID - 1));
            double r = profile.rss(grid[k]);
            if (r < bestRss) {
                bestRss = r;
                best = k;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("the losses do not vary with m; A and alpha are not determined");
        }
        if (best == 0 || best == GRID - 1) {
            throw new IllegalArgumentException("the best alpha lies at the end of the search range [" + ALPHA_MIN
                    + ", " + ALPHA_MAX + "]; the losses do not determine it");
        }
        double alpha = goldenSection(profile, grid[best - 1], grid[best + 1]);
        if (!(profile.rss(alpha) <= bestRss)) {
            alpha = grid[best];
        }
        Profile.Solution s = profile.solve(alpha);

        double[][] jtj = jacobianGram(group, groups.size(), logM, s.a, alpha);
        double[][] inverse = invertScaled(jtj);
        if (inverse == null) {
            throw new IllegalArgumentException("A, alpha and the offsets are not identifiable from these widths"
                    + " (J^T J is singular)");
        }
        double s2 = s.rss / (n - p);
        for (double[] row : inverse) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= s2;
            }
        }
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= n;
        double tss = 0;
        for (double v : y) {
            tss += (v - mean) * (v - mean);
        }
        return new JointLossFit(pts, List.copyOf(groups), s.a, alpha, s.offsets, inverse, s.rss, tss);
    }

    /** Minimises the profile on [a, b] by golden-section search, to the resolution of doubles. */
    private static double goldenSection(Profile profile, double a, double b) {
        final double invPhi = (Math.sqrt(5) - 1) / 2;
        double c = b - invPhi * (b - a);
        double d = a + invPhi * (b - a);
        double fc = profile.rss(c);
        double fd = profile.rss(d);
        for (int i = 0; i < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); i++) {
            if (fc <= fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - invPhi * (b - a);
                fc = profile.rss(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + invPhi * (b - a);
                fd = profile.rss(d);
            }
        }
        return fc <= fd ? c : d;
    }

    /** J^T J for J = [d/dA, d/dalpha, d/dc_g] of A * m^-alpha + c_g. */
    private static double[][] jacobianGram(int[] group, int groups, double[] logM, double a, double alpha) {
        int p = 2 + groups;
        double[][] m = new double[p][p];
        double[] row = new double[p];
        for (int i = 0; i < group.length; i++) {
            double x = Math.exp(-alpha * logM[i]);
            Arrays.fill(row, 0);
            row[0] = x;
            row[1] = -a * logM[i] * x;
            row[2 + group[i]] = 1;
            for (int r = 0; r < p; r++) {
                if (row[r] == 0) {
                    continue;
                }
                for (int c = 0; c < p; c++) {
                    m[r][c] += row[r] * row[c];
                }
            }
        }
        return m;
    }

    /**
     * The inverse of a symmetric positive semi-definite matrix, scaled to unit diagonal first so that the
     * very different magnitudes of the columns (A's column is m^-alpha ~ 1e-3, alpha's is A ln m m^-alpha)
     * do not masquerade as singularity; null when a Cholesky pivot falls below {@link #SINGULAR}.
     */
    static double[][] invertScaled(double[][] m) {
        int p = m.length;
        double[] d = new double[p];
        for (int i = 0; i < p; i++) {
            if (!(m[i][i] > 0) || !Double.isFinite(m[i][i])) {
                return null;
            }
            d[i] = 1 / Math.sqrt(m[i][i]);
        }
        double[][] l = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = m[i][j] * d[i] * d[j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(sum > SINGULAR)) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        // inverse = D (L L^T)^-1 D, column by column: solve L z = e_c, then L^T x = z.
        double[][] inv = new double[p][p];
        double[] z = new double[p];
        for (int c = 0; c < p; c++) {
            for (int i = 0; i < p; i++) {
                double sum = i == c ? 1 : 0;
                for (int k = 0; k < i; k++) {
                    sum -= l[i][k] * z[k];
                }
                z[i] = sum / l[i][i];
            }
            for (int i = p - 1; i >= 0; i--) {
                double sum = z[i];
                for (int k = i + 1; k < p; k++) {
                    sum -= l[k][i] * inv[k][c];
                }
                inv[i][c] = sum / l[i][i];
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                inv[i][j] *= d[i] * d[j];
            }
        }
        return inv;
    }

    /** The least-squares problem with alpha held fixed, which is linear in A and the offsets. */
    private static final class Profile {
        private final int[] group;
        private final int groups;
        private final double[] logM;
        private final double[] y;
        private final double[] x;

        Profile(int[] group, int groups, double[] logM, double[] y) {
            this.group = group;
            this.groups = groups;
            this.logM = logM;
            this.y = y;
            this.x = new double[y.length];
        }

        record Solution(double a, double[] offsets, double rss) {
        }

        /** The residual sum of squares at alpha with A and the offsets at their best; +inf when A is undefined. */
        double rss(double alpha) {
            Solution s = solve(alpha);
            return s == null ? Double.POSITIVE_INFINITY : s.rss;
        }

        Solution solve(double alpha) {
            int n = y.length;
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
            double[] offsets = new double[groups];
            for (int g = 0; g < groups; g++) {
                offsets[g] = yMean[g] - a * xMean[g];
            }
            // The residuals themselves, not Syy - Sxy^2/Sxx: no cancellation near a perfect fit.
            double rss = 0;
            for (int i = 0; i < n; i++) {
                double r = y[i] - (a * x[i] + offsets[group[i]]);
                rss += r * r;
            }
            return new Solution(a, offsets, rss);
        }
    }
}
