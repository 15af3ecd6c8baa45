package dev.superscope.reports.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.superscope.reports.fit.JointLossFit.Group;
import dev.superscope.reports.fit.JointLossFit.LossPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fits give the figures they gave before their numerics moved to Hipparchus. The expected values were
 * recorded, to full precision, from the hand-written implementation that preceded it (Student t by
 * bisection on a Lentz continued fraction of the incomplete beta; OLS from centred sums; the loss fit by
 * golden-section search of the variable-projection profile): two independent computations that agree
 * tell more than either alone.
 *
 * <p>Tolerances are what each computation supports. The t quantiles and the lines agree to ~1e-12 (both
 * sides are accurate to ~1e-13). The loss fit agrees to 1e-8: the old search stopped where its residual
 * sum of squares no longer resolved alpha, about 1e-8 from the optimum.
 */
class RecordedFitsTest {

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        assertEquals(expected, actual, tolerance * Math.abs(expected), what);
    }

    @Test
    void studentTQuantilesAndTailsAreThoseRecorded() {
        double[][] quantiles = {
            // p, dof, t
            {0.975, 1, 12.706204736174694}, {0.975, 2, 4.3026527297494646}, {0.975, 3, 3.182446305283709},
            {0.975, 4, 2.776445105197795}, {0.975, 6, 2.4469118511449706}, {0.975, 10, 2.2281388519862757},
            {0.975, 22, 2.0738730679040254}, {0.975, 24, 2.063898561628025}, {0.975, 30, 2.0422724563012373},
            {0.975, 1000, 1.9623390808264065}, {1e-6, 1, -318309.88618274394}, {0.999999, 1, 318309.8861735908},
            {1e-6, 7, -14.241469651981443}, {0.999999, 7, 14.241469651921147}};
        for (double[] q : quantiles) {
            assertRelative(q[2], StudentT.quantile(q[0], q[1]), 1e-12, "quantile(" + q[0] + ", " + q[1] + ")");
        }
        double[][] cdfs = {
            // t, dof, P(T <= t)
            {-3, 4, 0.01997098403585946}, {2.5, 4, 0.9666167275940059}, {-3, 29, 0.002749596066951705},
            {2.5, 29, 0.9908373278307869}};
        for (double[] c : cdfs) {
            assertRelative(c[2], StudentT.cdf(c[0], c[1]), 1e-12, "cdf(" + c[0] + ", " + c[1] + ")");
        }
    }

    /** The README demo's overlaps (as printed) and the noisy power law of ScalingFitsTest. */
    @Test
    void lineFitsAreThoseRecorded() {
        double[] m = {32, 64, 128, 256, 512, 1024};
        double[] strong = {0.03125, 0.01563, 0.007813, 0.003907, 0.001952, 0.0009766};
        double[] weak = {0.3768, 0.3682, 0.3639, 0.3619, 0.3609, 0.3605};
        assertLine(logs(m), logs(strong), -1.0000976236431824, 5.138669217723546E-4, 1.0856400778279108E-4,
                0.9999999528646306, -1.0003990456511915, -0.9997962016351732);
        assertLine(logs(m), logs(weak), -0.011817740607146925, -0.9455394079367682, 0.0028489559646904116,
                0.8113803115554384, -0.01972771045023568, -0.003907770764058169);
        Random random = new Random(7);
        double[] x = new double[8];
        double[] y = new double[8];
        for (int k = 0; k < 8; k++) {
            x[k] = Math.log(64 << k);
            y[k] = Math.log(1.3 / (64 << k) * Math.exp(0.05 * random.nextGaussian()));
        }
        assertLine(x, y, -1.000393877519087, 0.2925327728778875, 0.009375291255850111, 0.9994733162233714,
                -1.0233343888009625, -0.9774533662372116);
    }

    private static void assertLine(double[] x, double[] y, double slope, double intercept, double stderr, double r2,
                                   double ciLow, double ciHigh) {
        LineFit fit = LineFit.ols(x, y);
        assertRelative(slope, fit.slope(), 1e-12, "slope");
        // The intercept of the demo's strong family is 5e-4 from log-values of -3.5 .. -6.9: 1e-11 relative is
        // the same absolute rounding.
        assertRelative(intercept, fit.intercept(), 1e-11, "intercept");
        assertRelative(stderr, fit.slopeStderr(), 1e-11, "stderr");
        assertRelative(r2, fit.r2(), 1e-14, "r2");
        double[] ci = fit.slopeInterval(0.95);
        assertRelative(ciLow, ci[0], 1e-12, "ci low");
        assertRelative(ciHigh, ci[1], 1e-12, "ci high");
    }

    private static double[] logs(double[] values) {
        double[] logs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            logs[i] = Math.log(values[i]);
        }
        return logs;
    }

    /** A, alpha and their stderrs to relative {@code tolerance}; the residual sum of squares to {@code rssTolerance}. */
    private static void assertJointFit(JointLossFit fit, double a, double alpha, double aStderr, double alphaStderr,
                                       double tolerance, double rss, double rssTolerance) {
        assertRelative(a, fit.a(), tolerance, "A");
        assertRelative(alpha, fit.alpha(), tolerance, "alpha");
        assertRelative(aStderr, fit.aStderr(), tolerance, "A stderr");
        assertRelative(alphaStderr, fit.alphaStderr(), tolerance, "alpha stderr");
        assertRelative(rss, fit.rss(), rssTolerance, "rss");
    }

    @Test
    void jointLossFitIsThatRecorded() {
        JointLossFit fit = JointLossFit.fit(noisyLosses());
        assertJointFit(fit, 276.78307826062945, 0.8925916249176006, 25.68304853505282, 0.020753666912643225, 1e-8,
                0.06667949333415205, 1e-12);
        String[][] groups = {{"gpt2", "pile"}, {"gpt2", "wiki"}, {"opt", "pile"}, {"opt", "wiki"}, {"pythia", "pile"},
            {"pythia", "wiki"}};
        double[] offsets = {1.4762797752285803, 2.1991581751972387, 1.8738462107658316, 2.580705164123761,
            2.2559286336565867, 3.0034379236473088};
        double[] offsetStderrs = {0.04253348906449537, 0.04253348906449537, 0.04209487096642359, 0.0420948709664236,
            0.04185566202946146, 0.04185566202946147};
        for (int g = 0; g < groups.length; g++) {
            Group group = new Group(groups[g][0], groups[g][1]);
            assertRelative(offsets[g], fit.offset(group), 1e-8, group.label());
            assertRelative(offsetStderrs[g], fit.offsetStderr(group), 1e-8, group.label() + " stderr");
        }
    }

    /**
     * The truth the recorded figures approximate: the same least-squares problem solved in 50-digit
     * arithmetic (mpmath: alpha from the root of the variable-projection profile's derivative, A and the
     * offsets in closed form for it, covariance s^2 (J^T J)^-1 from the exact Jacobian), rounded to 20
     * digits. The recorded fit is ~5e-9 from it, the fit by Levenberg-Marquardt at most ~1e-9.
     */
    @Test
    void jointLossFitMatchesAFiftyDigitSolution() {
        JointLossFit joint = JointLossFit.fit(noisyLosses());
        assertJointFit(joint, 276.7830766804673753, 0.89259162363608180603, 25.683048371091987403,
                0.020753666902560441153, 2e-9, 0.06667949333415270923, 1e-14);
        assertRelative(1.4762797732166547263, joint.offset(new Group("gpt2", "pile")), 2e-9, "gpt2/pile");
        assertRelative(0.042533489129822651759, joint.offsetStderr(new Group("gpt2", "pile")), 2e-9, "its stderr");
        assertRelative(3.003437921645615133, joint.offset(new Group("pythia", "wiki")), 2e-9, "pythia/wiki");
        assertRelative(0.041855662094521975775, joint.offsetStderr(new Group("pythia", "wiki")), 2e-9, "its stderr");
        // One family alone: fewer points, a flatter optimum.
        JointLossFit gpt2 = JointLossFit.fit(noisyLosses().stream().filter(p -> p.family().equals("gpt2")).toList());
        assertRelative(295.44992626088282638, gpt2.a(), 2e-9, "gpt2 A");
        assertRelative(0.90520737492171119117, gpt2.alpha(), 2e-9, "gpt2 alpha");
        assertRelative(60.462441557007707775, gpt2.aStderr(), 2e-9, "gpt2 A stderr");
        assertRelative(0.044737179352262750177, gpt2.alphaStderr(), 2e-9, "gpt2 alpha stderr");
        assertRelative(2.2052198556479922608, gpt2.offset(new Group("gpt2", "wiki")), 2e-9, "gpt2/wiki alone");
        assertRelative(0.070165851564364122975, gpt2.offsetStderr(new Group("gpt2", "wiki")), 2e-9, "its stderr");
    }

    /** LossFitsTest's losses: three families of five widths, two datasets, A = 300, alpha = 0.91, noise 0.05. */
    static List<LossPoint> noisyLosses() {
        String[] families = {"gpt2", "opt", "pythia"};
        String[] datasets = {"pile", "wiki"};
        int[][] widths = {{128, 256, 512, 1024, 2048}, {96, 192, 384, 768, 1536}, {160, 320, 640, 1280, 2560}};
        Random random = new Random(11);
        List<LossPoint> points = new ArrayList<>();
        for (int f = 0; f < families.length; f++) {
            for (int m : widths[f]) {
                for (int d = 0; d < datasets.length; d++) {
                    double loss = 300.0 * Math.pow(m, -0.91) + 1.5 + 0.4 * f + 0.7 * d + 0.05 * random.nextGaussian();
                    points.add(new LossPoint(families[f] + "-" + m, families[f], datasets[d], m, loss));
                }
            }
        }
        return points;
    }
}
