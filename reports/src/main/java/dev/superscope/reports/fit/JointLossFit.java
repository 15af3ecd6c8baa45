package dev.superscope.reports.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresProblem;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.stat.descriptive.moment.SecondMoment;

/**
 * The paper's joint fit of losses against width (Liu, Liu &amp; Gore 2025, Fig. 8b):
 * loss_{f,d}(m) = A * m^(-alpha) + c_{f,d}, one amplitude A and exponent alpha shared by every point and
 * one offset c per (family, dataset) group, fitted by nonlinear least squares on the losses themselves
 * (residuals in nats: the noise of a measured loss is additive, and the paper's statement is that the loss
 * minus its floor follows m^-alpha, not that its logarithm does).
 *
 * <p>How: Hipparchus's Levenberg-Marquardt optimizer on all p = 2 + number of groups parameters, with the
 * model's exact Jacobian ({@link LossCurve}), started from the best alpha of a grid over
 * [{@link #ALPHA_MIN}, {@link #ALPHA_MAX}] with A and the offsets at their least-squares values for it
 * ({@link StartingValues}): the problem can have several local minima, and the grid picks the basin. A best
 * grid point at either end of the range means the data do not pin alpha down (alpha -&gt; 0 is a logarithmic
 * law whose A and alpha trade off), and is refused.
 *
 * <p>Standard errors: the Jacobian J of the model with respect to (A, alpha, offsets) at the optimum gives
 * cov = s^2 (J^T J)^-1 with s^2 = RSS / (N - p); J^T J is scaled to unit diagonal before its Cholesky
 * factorisation, and a (near-)singular J^T J (for example two widths per group, the same in every group,
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

    /**
     * A pivot of the unit-diagonal J^T J at or below this is a parameter the data cannot determine (the
     * columns' very different magnitudes - m^-alpha ~ 1e-3 for A, A ln m m^-alpha for alpha - would make an
     * unscaled threshold meaningless).
     */
    private static final double SINGULAR = 1e-10;
    /**
     * Stops when a step changes the cost or the parameters by less than 1e-14 relative, or the residuals
     * are orthogonal to the Jacobian's columns to 1e-14. Hipparchus's default, 1e-10, stops a noisy fit with
     * alpha ~1e-8 from its optimum; at 1e-14 it is within ~2e-10 (RecordedFitsTest checks a 50-digit
     * solution). Tighter changes nothing: there the residual sum of squares no longer resolves the
     * parameters in doubles. Above 4.4e-16, so the optimizer never reports a tolerance as too small.
     */
    private static final LevenbergMarquardtOptimizer OPTIMIZER = new LevenbergMarquardtOptimizer()
            .withCostRelativeTolerance(1e-14)
            .withParameterRelativeTolerance(1e-14)
            .withOrthoTolerance(1e-14);
    /** Generous: from the grid's start the optimizer needs a handful of iterations. */
    private static final int MAX_ITERATIONS = 1000;

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
        double[] start = new StartingValues(group, groups.size(), logM, y).best();
        LeastSquaresProblem problem = new LeastSquaresBuilder()
                .model(new LossCurve(group, groups.size(), logM))
                .target(y)
                .start(start)
                .maxIterations(MAX_ITERATIONS)
                .maxEvaluations(MAX_ITERATIONS)
                .build();
        LeastSquaresOptimizer.Optimum optimum;
        try {
            optimum = OPTIMIZER.optimize(problem);
        } catch (MathIllegalStateException e) {
            throw new IllegalArgumentException("the least-squares search did not converge: " + e.getMessage(), e);
        }
        double[] theta = optimum.getPoint().toArray();
        double rss = optimum.getResiduals().dotProduct(optimum.getResiduals());
        double[][] covariance = covariance(optimum.getJacobian(), rss / (n - p));
        if (covariance == null) {
            throw new IllegalArgumentException("A, alpha and the offsets are not identifiable from these widths"
                    + " (J^T J is singular)");
        }
        double tss = new SecondMoment().evaluate(y);
        return new JointLossFit(pts, List.copyOf(groups), theta[0], theta[1], Arrays.copyOfRange(theta, 2, p),
                covariance, rss, tss);
    }

    /**
     * s^2 (J^T J)^-1, inverted after scaling J^T J to unit diagonal so that the columns' magnitudes do not
     * masquerade as singularity; null when a Cholesky pivot is at most {@link #SINGULAR}.
     */
    private static double[][] covariance(RealMatrix jacobian, double s2) {
        RealMatrix jtj = jacobian.transposeMultiply(jacobian);
        int p = jtj.getRowDimension();
        double[] scale = new double[p];
        for (int i = 0; i < p; i++) {
            double d = jtj.getEntry(i, i);
            if (!(d > 0) || !Double.isFinite(d)) {
                return null;
            }
            scale[i] = 1 / Math.sqrt(d);
        }
        RealMatrix unit = MatrixUtils.createRealMatrix(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                unit.setEntry(i, j, jtj.getEntry(i, j) * scale[i] * scale[j]);
            }
        }
        RealMatrix inverse;
        try {
            inverse = new CholeskyDecomposition(unit, CholeskyDecomposition.DEFAULT_RELATIVE_SYMMETRY_THRESHOLD,
                    SINGULAR).getSolver().getInverse();
        } catch (MathIllegalArgumentException e) {
            return null;
        }
        double[][] cov = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                cov[i][j] = s2 * inverse.getEntry(i, j) * scale[i] * scale[j];
            }
        }
        return cov;
    }
}
