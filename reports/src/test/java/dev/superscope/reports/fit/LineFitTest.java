package dev.superscope.reports.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LineFitTest {

    @Test
    void matchesAHandComputation() {
        // x = 0..3, y = 1, 3, 2, 5: mean x 1.5, mean y 2.75, Sxx 5, Sxy 5.5 -> slope 1.1, intercept 1.1;
        // residuals -0.1, 0.8, -1.3, 0.6 -> SSE 2.7; SST 8.75; s^2 = 2.7/2; se = sqrt(1.35/5).
        LineFit fit = LineFit.ols(new double[] {0, 1, 2, 3}, new double[] {1, 3, 2, 5});
        assertEquals(4, fit.n());
        assertEquals(1.1, fit.slope(), 1e-14);
        assertEquals(1.1, fit.intercept(), 1e-14);
        assertEquals(Math.sqrt(0.27), fit.slopeStderr(), 1e-14);
        assertEquals(1 - 2.7 / 8.75, fit.r2(), 1e-14);
        double[] ci = fit.slopeInterval(0.95);
        double t = 4.302652729749464; // t_{0.975, 2}
        assertEquals(1.1 - t * Math.sqrt(0.27), ci[0], 1e-10);
        assertEquals(1.1 + t * Math.sqrt(0.27), ci[1], 1e-10);
    }

    @Test
    void twoPointsGiveASlopeButNoError() {
        LineFit fit = LineFit.ols(new double[] {1, 3}, new double[] {2, 6});
        assertEquals(2, fit.slope(), 1e-15);
        assertEquals(0, fit.intercept(), 1e-15);
        assertTrue(Double.isNaN(fit.slopeStderr()));
        assertEquals(1, fit.r2(), 1e-15);
        assertTrue(Double.isNaN(fit.slopeInterval(0.95)[0]));
    }

    @Test
    void degenerateInputs() {
        LineFit sameX = LineFit.ols(new double[] {2, 2, 2}, new double[] {1, 2, 3});
        assertTrue(Double.isNaN(sameX.slope()));
        LineFit flat = LineFit.ols(new double[] {1, 2, 3}, new double[] {4, 4, 4});
        assertEquals(0, flat.slope());
        assertTrue(Double.isNaN(flat.r2()), "r2 is undefined when y does not vary");
        assertThrows(IllegalArgumentException.class, () -> LineFit.ols(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> LineFit.ols(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> LineFit.ols(new double[] {1, Double.NaN}, new double[] {1, 2}));
    }

    @Test
    void theIntervalCoversTheTrueSlopeAtItsNominalRate() {
        // Six points leave 4 degrees of freedom, where t = 2.776: a normal 1.96 would cover only ~88%.
        Random random = new Random(20250505);
        double[] x = {0, 0.5, 1, 2, 3, 4};
        int replicates = 4000;
        int covered = 0;
        int withinOneStderr = 0;
        for (int k = 0; k < replicates; k++) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = 0.3 - 0.9 * x[i] + 0.2 * random.nextGaussian();
            }
            LineFit fit = LineFit.ols(x, y);
            double[] ci = fit.slopeInterval(0.95);
            if (ci[0] <= -0.9 && -0.9 <= ci[1]) {
                covered++;
            }
            if (Math.abs(fit.slope() + 0.9) <= fit.slopeStderr()) {
                withinOneStderr++;
            }
        }
        // Binomial standard deviation ~0.0034 at 0.95 and ~0.0078 at P(|T_4| < 1) = 0.6262.
        assertEquals(0.95, covered / (double) replicates, 0.015);
        assertEquals(2 * StudentT.cdf(1, 4) - 1, withinOneStderr / (double) replicates, 0.03);
        // Closed form for 4 dof: P(|T| < t) = t (t^2 + 6) / (t^2 + 4)^(3/2), 7 / 5^(3/2) at t = 1.
        assertEquals(7 / Math.pow(5, 1.5), 2 * StudentT.cdf(1, 4) - 1, 1e-13);
    }
}
