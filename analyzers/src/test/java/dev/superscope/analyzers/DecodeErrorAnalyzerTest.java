package dev.superscope.analyzers;

import org.junit.jupiter.params.provider.MethodSource;

import org.junit.jupiter.params.ParameterizedClass;

import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static dev.superscope.analyzers.Near.metric;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class DecodeErrorAnalyzerTest extends BackendSuite {
    private final DecodeErrorAnalyzer analyzer = new DecodeErrorAnalyzer();

    private AnalysisResult fresh(Matrix matrix, AnalysisOptions options) {
        return analyze(analyzer, matrix, options);
    }

    private static void assertMatchesBruteForce(Matrix matrix, AnalysisResult result) {
        BruteForce bf = new BruteForce(TestMatrices.decoded(matrix));
        // A float32 GEMM decides the same as float64 unless some pair is within rounding of a tie.
        assertTrue(bf.decodeMargin() > 1e-5, "test data too close to a tie: " + bf.decodeMargin());
        double[] expected = bf.decodeErrors();
        assertArrayEquals(expected, result.perToken().get("decode_error"));
        double errors = 0;
        for (double e : expected) {
            errors += Double.isNaN(e) ? 0 : e;
        }
        assertEquals(errors / bf.k, metric(result, "decode_error_rate"), 1e-15);
    }

    @Test
    void handBuiltRowsWithKnownWinners() {
        double[][] rows = {
                {1, 0},      // 0: row 1 scores 3 > 1 at (1, 0): loses
                {3, 0.1},    // 1: the longest row along its own direction: wins
                {0, 1},      // 2: row 3 ties it exactly (1 = 1): strictly greater is needed, so it wins
                {0, 1},      // 3: likewise tied by row 2
                {-2, 0},     // 4: nobody points its way as far as 2: wins
                {0.5, -0.5}, // 5: row 1 scores (3 - 0.1) / sqrt(2) = 2.05 > 0.707: loses
        };
        for (DType dtype : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            for (int blockRows : new int[] {1, 2, 4, 6}) {
                AnalysisResult result = fresh(TestMatrices.of(dtype, rows), blocks(blockRows));
                assertArrayEquals(new double[] {1, 0, 0, 0, 0, 1}, result.perToken().get("decode_error"),
                        dtype + ", " + blockRows + "-row blocks");
                assertEquals(2.0 / 6, metric(result, "decode_error_rate"), 1e-15);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, 1", "F32, 2", "F16, 3", "BF16, 4", "F64, 5"})
    void matchesBruteForceOnRandomRows(DType dtype, long seed) {
        // Norms vary a lot (a log-normal scale per row), so some rows win and others lose.
        double[][] rows = TestMatrices.gaussian(300, 16, seed, 1.0);
        double[][] scales = TestMatrices.gaussian(300, 1, seed + 100, 0.5);
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 16; j++) {
                rows[i][j] *= Math.exp(scales[i][0]);
            }
        }
        Matrix matrix = TestMatrices.of(dtype, rows, seed % 2 == 1);
        AnalysisResult result = fresh(matrix, blocks(64));
        double rate = metric(result, "decode_error_rate");
        assertTrue(rate > 0.05 && rate < 0.95, "a mix of winners and losers: " + rate);
        assertMatchesBruteForce(matrix, result);
    }

    @Test
    void blockBoundariesAndInvalidRows() {
        double[][] rows = TestMatrices.gaussian(301, 5, 9, 1.0);
        rows[0][0] = Double.NaN;
        rows[100] = new double[5];
        rows[300][4] = Double.POSITIVE_INFINITY;
        Matrix matrix = TestMatrices.of(DType.F32, rows);
        for (int blockRows : new int[] {7, 37, 301, 2048}) {
            AnalysisResult result = fresh(matrix, blocks(blockRows));
            double[] flags = result.perToken().get("decode_error");
            assertTrue(Double.isNaN(flags[0]) && Double.isNaN(flags[100]) && Double.isNaN(flags[300]));
            assertMatchesBruteForce(matrix, result);
        }
    }

    @Test
    void pairwiseAndDecodeErrorShareOneScan() {
        Matrix matrix = TestMatrices.of(DType.F32, TestMatrices.gaussian(200, 8, 3, 1.0));
        AnalysisOptions options = blocks(50);
        AnalysisContext context = context(options);
        new PairwiseAnalyzer().analyze(matrix, context);
        var scan = CosineScans.of(matrix, context);
        AnalysisResult shared = analyzer.analyze(matrix, context);
        assertSame(scan, CosineScans.of(matrix, context), "the second analyzer reuses the first's scan");
        AnalysisResult alone = fresh(matrix, options);
        assertArrayEquals(alone.perToken().get("decode_error"), shared.perToken().get("decode_error"));
        assertEquals(metric(alone, "decode_error_rate"), metric(shared, "decode_error_rate"));
        assertMatchesBruteForce(matrix, shared);
    }

    @Test
    void fewerThanTwoValidRowsGiveNaN() {
        AnalysisResult result = fresh(TestMatrices.of(DType.F32, new double[][] {{0, 0}, {1, 1}}), blocks(4));
        assertTrue(Double.isNaN(metric(result, "decode_error_rate")));
    }

    @Test
    void smallFixturesMatchTheNumpyReference() throws Exception {
        // bench/reference_metrics.py --pairwise on each tensor.
        check("cerebras-gpt2-tiny", "transformer.wte.weight", 1.0 / 12);
        check("gptneox-tiny", "embed_out.weight", 0.0);
        check("opt-tiny", "lm_head.weight", 0.0);
        check("qwen2-tiny", "lm_head.weight", 2.0 / 12);
        check("smollm2-bf16-tiny", "model.embed_tokens.weight", 8.0 / 12);
    }

    private void check(String folder, String tensor, double rate) throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor(folder, tensor)) {
            AnalysisResult r = fresh(t.matrix(), AnalysisOptions.defaults());
            assertEquals(rate, metric(r, "decode_error_rate"), 1e-15, folder);
            assertMatchesBruteForce(t.matrix(), r);
        }
    }
}
