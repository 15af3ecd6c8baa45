package dev.superscope.reports.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StudentTTest {

    @Test
    void matchesPrintedTableValues() {
        // Two-sided 95% (p = 0.975) critical values as printed in t tables (4 decimals).
        assertEquals(12.7062, StudentT.quantile(0.975, 1), 5e-5);
        assertEquals(4.3027, StudentT.quantile(0.975, 2), 5e-5);
        assertEquals(3.1824, StudentT.quantile(0.975, 3), 5e-5);
        assertEquals(2.5706, StudentT.quantile(0.975, 5), 5e-5);
        assertEquals(2.2281, StudentT.quantile(0.975, 10), 5e-5);
        assertEquals(2.0423, StudentT.quantile(0.975, 30), 5e-5);
        assertEquals(1.8125, StudentT.quantile(0.95, 10), 5e-5);
        assertEquals(5.8409, StudentT.quantile(0.995, 3), 5e-5);
        assertEquals(63.6567, StudentT.quantile(0.995, 1), 5e-4);
    }

    @Test
    void matchesTheClosedFormsForOneAndTwoDegreesOfFreedom() {
        for (double p = 0.001; p < 1; p += 0.0137) {
            // dof 1 is the Cauchy distribution; dof 2 has an algebraic quantile.
            double cauchy = Math.tan(Math.PI * (p - 0.5));
            assertEquals(cauchy, StudentT.quantile(p, 1), 1e-11 * Math.max(1, Math.abs(cauchy)), "p=" + p);
            double two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
            assertEquals(two, StudentT.quantile(p, 2), 1e-11 * Math.max(1, Math.abs(two)), "p=" + p);
            assertEquals(0.5 + Math.atan(cauchy) / Math.PI, StudentT.cdf(cauchy, 1), 1e-13);
        }
        // Far in the tail: cot(pi q) is the well-conditioned form of tan(pi (p - 1/2)).
        for (double p : new double[] {1 - 1e-4, 1 - 1e-9}) {
            double q = 1 - p; // the tail the double p actually leaves
            double expected = 1 / Math.tan(Math.PI * q);
            assertEquals(expected, StudentT.quantile(p, 1), 1e-12 * expected, "p=" + p);
        }
    }

    @Test
    void isTheInverseOfTheDistributionFunctionAndSymmetric() {
        for (double dof : new double[] {1, 2.5, 3, 7, 29, 1000}) {
            for (double p : new double[] {1e-6, 0.01, 0.2, 0.5, 0.75, 0.975, 0.999999}) {
                double t = StudentT.quantile(p, dof);
                assertEquals(p, StudentT.cdf(t, dof), 1e-12 * Math.max(1, p / (1 - p)), "dof=" + dof + " p=" + p);
                assertEquals(-t, StudentT.quantile(1 - p, dof), 1e-9 * Math.max(1, Math.abs(t)));
            }
        }
    }

    @Test
    void approachesTheNormalDistribution() {
        // Cornish-Fisher: t = z + (z^3 + z) / (4 v) + O(1 / v^2).
        double z = 1.959963984540054;
        for (double dof : new double[] {1e5, 1e6}) {
            assertEquals(z + (z * z * z + z) / (4 * dof), StudentT.quantile(0.975, dof), 1e-9, "dof " + dof);
        }
        // Three terms of the expansion are good to ~1e-12 at 1000 degrees of freedom.
        double v = 1000;
        double cf = z + (z * z * z + z) / 4 / v + (5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z) / 96 / (v * v)
                + (3 * Math.pow(z, 7) + 19 * Math.pow(z, 5) + 17 * z * z * z - 15 * z) / 384 / (v * v * v);
        assertEquals(cf, StudentT.quantile(0.975, v), 1e-11);
    }

    @Test
    void rejectsMeaninglessArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.cdf(1, Double.NaN));
    }
}
