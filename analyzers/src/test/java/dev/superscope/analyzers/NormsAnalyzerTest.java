package dev.superscope.analyzers;

import org.junit.jupiter.params.provider.MethodSource;

import org.junit.jupiter.params.ParameterizedClass;

import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.superscope.analyzers.Near.assertNear;
import static dev.superscope.analyzers.Near.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class NormsAnalyzerTest extends BackendSuite {
    private final NormsAnalyzer analyzer = new NormsAnalyzer();

    private static void assertMatchesBruteForce(Matrix matrix, AnalysisResult result, double tau, double rel) {
        BruteForce bf = new BruteForce(TestMatrices.decoded(matrix));
        assertNear(bf.normMean(), metric(result, "norm_mean"), rel, "norm_mean");
        assertNear(bf.normStd(), metric(result, "norm_std"), rel, "norm_std");
        assertNear(bf.normPercentile(0), metric(result, "norm_min"), rel, "norm_min");
        assertNear(bf.normPercentile(100), metric(result, "norm_max"), rel, "norm_max");
        assertNear(bf.normPercentile(50), metric(result, "norm_p50"), rel, "norm_p50");
        assertEquals(bf.fracRepresented(tau), metric(result, "frac_represented"), "frac_represented");
        assertEquals(bf.nonFinite, metric(result, "nonfinite_rows"));
        assertEquals(bf.zero, metric(result, "zero_rows"));
        assertNear(bf.norms, result.perToken().get("norm"), rel, "norm");
    }

    @ParameterizedTest
    @CsvSource({"F32, 1", "F32, 2", "F16, 3", "BF16, 4", "F64, 5", "F32, 6"})
    void matchesBruteForceOnRandomRows(DType dtype, long seed) {
        Matrix matrix = TestMatrices.of(dtype, TestMatrices.gaussian(300, 16, seed, 0.05), seed % 2 == 0);
        assertMatchesBruteForce(matrix, analyze(analyzer, matrix, blocks(37)), 0.5, 1e-12);
    }

    @Test
    void f64RowsWhoseSumOfSquaresOverOrUnderflowsKeepTheirNorms() {
        double[][] rows = {{3e200, 4e200}, {3e-200, -4e-200}, {0, 0}, {6, 8}};
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F64, rows, true), blocks(2));
        double[] norms = result.perToken().get("norm");
        assertNear(5e200, norms[0], 1e-15, "overflowing row");
        assertNear(5e-200, norms[1], 1e-15, "underflowing row");
        assertEquals(0.0, norms[2]);
        assertEquals(10.0, norms[3]);
        assertEquals(1.0, metric(result, "zero_rows"));
        assertEquals(0.0, metric(result, "nonfinite_rows"));
    }

    @Test
    void blockSizeDoesNotChangeTheResult() {
        Matrix matrix = TestMatrices.of(DType.F32, TestMatrices.gaussian(301, 9, 11, 1.0));
        for (int rows : new int[] {1, 7, 100, 301, 5000}) {
            assertMatchesBruteForce(matrix, analyze(analyzer, matrix, blocks(rows)), 0.5, 1e-12);
        }
    }

    @Test
    void nonFiniteRowsAreCountedAndLeftOutZeroRowsAreCountedAndKept() {
        double[][] rows = TestMatrices.gaussian(50, 8, 3, 1.0);
        rows[3][2] = Double.NaN;
        rows[10][0] = Double.POSITIVE_INFINITY;
        rows[11][7] = Double.NEGATIVE_INFINITY;
        rows[20] = new double[8];
        rows[49] = new double[8];
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16, DType.F64}) {
            Matrix matrix = TestMatrices.of(dtype, rows);
            AnalysisResult result = analyze(analyzer, matrix, blocks(16));
            assertEquals(3, metric(result, "nonfinite_rows"), dtype.toString());
            assertEquals(2, metric(result, "zero_rows"), dtype.toString());
            double[] norm = result.perToken().get("norm");
            assertTrue(Double.isNaN(norm[3]) && Double.isNaN(norm[10]) && Double.isNaN(norm[11]));
            assertEquals(0.0, norm[20]);
            assertEquals(0.0, metric(result, "norm_min"), "zero rows are part of the norm profile");
            assertMatchesBruteForce(matrix, result, 0.5, 1e-12);
        }
    }

    @Test
    void designedNormProfile() {
        // Norms 1..10 along one axis: p90 = 9.1 (linear interpolation), tau 0.5 -> threshold 4.55,
        // so rows 5..10 are represented; the median of an even count is the mean of 5 and 6.
        double[][] rows = new double[10][3];
        for (int i = 0; i < 10; i++) {
            rows[i][1] = i + 1;
        }
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, rows), blocks(4));
        assertEquals(0.6, metric(result, "frac_represented"), 1e-15);
        assertEquals(5.5, metric(result, "norm_p50"), 1e-15);
        assertEquals(5.5, metric(result, "norm_mean"), 1e-15);
        assertEquals(Math.sqrt(110.0 / 12), metric(result, "norm_std"), 1e-12);
        assertEquals(1.0, metric(result, "norm_min"));
        assertEquals(10.0, metric(result, "norm_max"));
        // tau = 0.9: threshold 8.19 -> rows 9 and 10; an odd count has a middle element.
        AnalysisResult strict = analyze(analyzer, TestMatrices.of(DType.F32, java.util.Arrays.copyOf(rows, 9)),
                new AnalysisOptions(0.9, 4, 10, Map.of()));
        // 1..9: p90 = 8.2, threshold 7.38 -> 8 and 9.
        assertEquals(2.0 / 9, metric(strict, "frac_represented"), 1e-15);
        assertEquals(5.0, metric(strict, "norm_p50"));
        // Norms 0.1 x 3 and 1 x 7 (a weak-superposition profile): the small rows are not represented.
        double[][] weak = new double[10][2];
        for (int i = 0; i < 10; i++) {
            weak[i][0] = i < 3 ? 0.1 : 1.0;
        }
        assertEquals(0.7, metric(analyze(analyzer, TestMatrices.of(DType.F32, weak), blocks(3)), "frac_represented"), 1e-15);
    }

    @Test
    void noFiniteRowsGiveNaNStatistics() {
        double[][] rows = {{Double.NaN, 1}, {1, Double.POSITIVE_INFINITY}};
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, rows), blocks(8));
        assertTrue(Double.isNaN(metric(result, "norm_mean")));
        assertTrue(Double.isNaN(metric(result, "frac_represented")));
        assertEquals(2, metric(result, "nonfinite_rows"));
        AnalysisResult empty = analyze(analyzer, TestMatrices.of(DType.F32, new double[0][]), blocks(8));
        assertTrue(Double.isNaN(metric(empty, "norm_p50")));
        assertEquals(0, empty.perToken().get("norm").length);
    }

    @Test
    void metricsComeInTheDeclaredOrder() {
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, TestMatrices.gaussian(5, 3, 1, 1)), blocks(8));
        assertEquals(analyzer.metricNames(), result.metrics().stream().map(m -> m.name()).toList());
        assertEquals("norms", result.analyzer());
    }

    @Test
    void gpt2FixtureNorms() throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor("gpt2-m16", "transformer.wte.weight")) {
            AnalysisResult result = analyze(analyzer, t.matrix(), AnalysisOptions.defaults());
            // PROVENANCE.md: mean = 0.0785750855, min = 0.0303403919, max = 0.141048414 (float64 numpy).
            assertNear(0.0785750855, metric(result, "norm_mean"), 1e-8, "norm_mean");
            assertNear(0.0303403919, metric(result, "norm_min"), 1e-8, "norm_min");
            assertNear(0.141048414, metric(result, "norm_max"), 1e-8, "norm_max");
            assertEquals(0, metric(result, "zero_rows"));
            assertEquals(50257, result.perToken().get("norm").length);
        }
    }

    @Test
    void optFixtureWithAZeroRow() throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor("opt-tiny", "lm_head.weight")) {
            AnalysisResult result = analyze(analyzer, t.matrix(), AnalysisOptions.defaults());
            // bench/reference_metrics.py on this tensor.
            assertEquals(1, metric(result, "zero_rows"));
            assertNear(0.06767555900776524, metric(result, "norm_mean"), 1e-10, "norm_mean");
            assertNear(0.024651726866014842, metric(result, "norm_std"), 1e-10, "norm_std");
            assertEquals(0.0, metric(result, "norm_min"));
            assertNear(0.07293650511119358, metric(result, "norm_p50"), 1e-10, "norm_p50");
            assertNear(0.9090909090909091, metric(result, "frac_represented"), 1e-12, "frac_represented");
        }
    }
}
