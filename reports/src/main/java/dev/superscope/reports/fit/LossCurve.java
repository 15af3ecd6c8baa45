package dev.superscope.reports.fit;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.MultivariateJacobianFunction;
import org.hipparchus.util.Pair;

/**
 * The joint loss law as the optimizer sees it: parameters (A, alpha, c_0, c_1, ...), one value
 * A * m_i^-alpha + c_{g(i)} per point, and its exact Jacobian (d/dA = m^-alpha, d/dalpha = -A ln m
 * m^-alpha, d/dc_g = 1 for the point's group), so that the standard errors come from the derivatives
 * themselves rather than from finite differences.
 */
final class LossCurve implements MultivariateJacobianFunction {

    private final int[] group;
    private final double[] logM;
    private final int parameters;

    /**
     * @param group  each point's offset group, 0 .. groups - 1
     * @param groups number of offset groups
     * @param logM   each point's ln m
     */
    LossCurve(int[] group, int groups, double[] logM) {
        this.group = group.clone();
        this.logM = logM.clone();
        this.parameters = 2 + groups;
    }

    @Override
    public Pair<RealVector, RealMatrix> value(RealVector point) {
        double a = point.getEntry(0);
        double alpha = point.getEntry(1);
        int n = logM.length;
        double[] values = new double[n];
        double[][] jacobian = new double[n][parameters];
        for (int i = 0; i < n; i++) {
            double x = Math.exp(-alpha * logM[i]);
            values[i] = a * x + point.getEntry(2 + group[i]);
            jacobian[i][0] = x;
            jacobian[i][1] = -a * logM[i] * x;
            jacobian[i][2 + group[i]] = 1;
        }
        return new Pair<>(new ArrayRealVector(values, false), new Array2DRowRealMatrix(jacobian, false));
    }
}
