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

import java.util.Arrays;
import java.util.Map;

import static dev.superscope.analyzers.Near.assertNear;
import static dev.superscope.analyzers.Near.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class PairwiseAnalyzerTest extends BackendSuite {
    private final PairwiseAnalyzer analyzer = new PairwiseAnalyzer();

    private static AnalysisOptions options(int blockRows, int bins) {
        return new AnalysisOptions(0.5, blockRows, bins, Map.of());
    }

    private AnalysisResult fresh(Matrix matrix, AnalysisOptions options) {
        return analyze(analyzer, matrix, options);
    }

    private static void assertMatchesBruteForce(Matrix matrix, AnalysisResult result, int bins) {
        BruteForce bf = new BruteForce(TestMatrices.decoded(matrix));
        assertNear(bf.meanAbsOverlap(), metric(result, "mean_abs_overlap"), 1e-6, "mean_abs_overlap");
        assertNear(bf.maxAbsOverlap(), metric(result, "max_abs_overlap"), 1e-6, "max_abs_overlap");
        double[] counts = result.series().get("cosine_histogram");
        long[] expected = bf.histogram(bins);
        assertEquals(bins, counts.length);
        assertEquals((double) bf.k * (bf.k - 1) / 2, Arrays.stream(counts).sum(), "every pair i < j counted once");
        // float32 cosines can land on the other side of a bin edge only when within rounding of it.
        long ambiguous = bf.nearEdges(bins, 1e-5);
        long moved = 0;
        for (int b = 0; b < bins; b++) {
            moved += Math.abs(expected[b] - (long) counts[b]);
        }
        assertTrue(moved <= 2 * ambiguous, "histogram differs by " + moved + " with " + ambiguous
                + " pairs near an edge: " + Arrays.toString(counts) + " vs " + Arrays.toString(expected));
        double[] edges = result.series().get("cosine_histogram_edges");
        assertEquals(bins + 1, edges.length);
        assertEquals(-1.0, edges[0]);
        assertEquals(1.0, edges[bins]);
    }

    @ParameterizedTest
    @CsvSource({"F32, 1", "F32, 2", "F16, 3", "BF16, 4", "F64, 5"})
    void matchesBruteForceOnRandomRows(DType dtype, long seed) {
        Matrix matrix = TestMatrices.of(dtype, TestMatrices.gaussian(300, 16, seed, 0.02), seed % 2 == 0);
        assertMatchesBruteForce(matrix, fresh(matrix, options(64, 200)), 200);
    }

    @Test
    void blockBoundariesDoNotChangeTheResult() {
        Matrix matrix = TestMatrices.of(DType.F32, TestMatrices.gaussian(301, 8, 12, 1.0));
        for (int rows : new int[] {7, 37, 150, 301, 4096}) {
            assertMatchesBruteForce(matrix, fresh(matrix, options(rows, 37)), 37);
        }
    }

    @Test
    void invalidRowsAreExcluded() {
        double[][] rows = TestMatrices.gaussian(90, 6, 2, 1.0);
        rows[0][3] = Double.NaN;
        rows[40] = new double[6];
        rows[41][0] = Double.NEGATIVE_INFINITY;
        rows[89] = new double[6];
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Matrix matrix = TestMatrices.of(dtype, rows);
            AnalysisResult result = fresh(matrix, options(16, 20));
            assertEquals(86.0 * 85 / 2, Arrays.stream(result.series().get("cosine_histogram")).sum());
            assertMatchesBruteForce(matrix, result, 20);
        }
    }

    @Test
    void orthonormalAndIdenticalRows() {
        AnalysisResult orthonormal = fresh(TestMatrices.of(DType.F64, OverlapAnalyzerTest.orthonormalBasis(8, 4)),
                options(3, 10));
        assertEquals(0.0, metric(orthonormal, "mean_abs_overlap"), 1e-7);
        assertEquals(0.0, metric(orthonormal, "max_abs_overlap"), 1e-6);
        double[] h = orthonormal.series().get("cosine_histogram");
        assertEquals(28.0, h[4] + h[5], "cosine 0 sits on the edge between the two middle bins");
        double[][] same = new double[20][];
        Arrays.setAll(same, i -> new double[] {1, 0.5, 0.25});
        AnalysisResult identical = fresh(TestMatrices.of(DType.F32, same), options(6, 10));
        assertEquals(1.0, metric(identical, "mean_abs_overlap"), 1e-6);
        assertEquals(1.0, metric(identical, "max_abs_overlap"), 1e-6);
        assertEquals(190.0, identical.series().get("cosine_histogram")[9], "cosine 1 is in the last, closed bin");
    }

    @Test
    void fewerThanTwoValidRowsGiveNaN() {
        AnalysisResult result = fresh(TestMatrices.of(DType.F32, new double[][] {{1, 2}, {0, 0}}), options(4, 5));
        assertTrue(Double.isNaN(metric(result, "mean_abs_overlap")));
        assertTrue(Double.isNaN(metric(result, "max_abs_overlap")));
        assertEquals(0.0, Arrays.stream(result.series().get("cosine_histogram")).sum());
    }

    @Test
    void smallFixturesMatchTheNumpyReference() throws Exception {
        // PROVENANCE.md (mean |cos|) and bench/reference_metrics.py --pairwise (max |cos|).
        check("cerebras-gpt2-tiny", "transformer.wte.weight", 0.291652174666, 0.7819162942247679);
        check("gptneox-tiny", "embed_out.weight", 0.213047470638, 0.588009788137869);
        check("qwen2-tiny", "lm_head.weight", 0.290997652539, 0.7772350668835266);
        check("smollm2-bf16-tiny", "model.embed_tokens.weight", 0.677073829534, 1.0);
    }

    private void check(String folder, String tensor, double meanAbs, double maxAbs) throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor(folder, tensor)) {
            AnalysisResult r = fresh(t.matrix(), AnalysisOptions.defaults());
            assertNear(meanAbs, metric(r, "mean_abs_overlap"), 1e-6, folder + " mean_abs_overlap");
            assertNear(maxAbs, metric(r, "max_abs_overlap"), 1e-6, folder + " max_abs_overlap");
            long n = t.matrix().rows();
            assertEquals(n * (n - 1) / 2.0, Arrays.stream(r.series().get("cosine_histogram")).sum());
        }
    }

    @Test
    void gpt2FixtureAllPairs() throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor("gpt2-m16", "transformer.wte.weight")) {
            long start = System.nanoTime();
            AnalysisResult r = fresh(t.matrix(), AnalysisOptions.defaults());
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("pairwise + decode-error scan of gpt2-m16 (50257 x 16, %.2e pairs): %.2f s%n",
                    50257.0 * 50256 / 2, seconds);
            // PROVENANCE.md: mean |cosine| over i != j = 0.202620578048 (float64 numpy).
            assertNear(0.202620578048, metric(r, "mean_abs_overlap"), 1e-6, "mean_abs_overlap");
            assertEquals(50257.0 * 50256 / 2, Arrays.stream(r.series().get("cosine_histogram")).sum());
        }
    }
}
