package dev.superscope.analyzers;

import dev.superscope.plugins.AnalysisResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Relative-tolerance assertions (with an absolute floor, for values that should be zero). */
final class Near {
    private Near() {
    }

    static void assertNear(double expected, double actual, double relative, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
            return;
        }
        double tolerance = relative * Math.max(Math.abs(expected), 1e-3);
        if (!(Math.abs(expected - actual) <= tolerance)) {
            fail(what + ": expected " + expected + ", got " + actual + " (relative error "
                    + Math.abs(expected - actual) / Math.abs(expected) + ", allowed " + relative + ")");
        }
    }

    static void assertNear(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertNear(expected[i], actual[i], relative, what + "[" + i + "]");
        }
    }

    static double metric(AnalysisResult result, String name) {
        return result.metric(name).orElseThrow(() -> new AssertionError("no metric " + name + " in " + result.analyzer()));
    }
}
