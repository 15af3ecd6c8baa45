package dev.superscope.analyzers;

import org.junit.jupiter.params.provider.MethodSource;

import org.junit.jupiter.params.ParameterizedClass;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.superscope.analyzers.Near.assertNear;
import static dev.superscope.analyzers.Near.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class OverlapAnalyzerTest extends BackendSuite {
    /** float32 GEMMs against a float64 brute force. */
    private static final double FLOAT32_PATH = 1e-6;

    private final OverlapAnalyzer analyzer = new OverlapAnalyzer();

    private static void assertMatchesBruteForce(Matrix matrix, AnalysisResult result, double rel) {
        BruteForce bf = new BruteForce(TestMatrices.decoded(matrix));
        int m = matrix.cols();
        double msq = bf.msqOverlap();
        assertNear(msq, metric(result, "msq_overlap"), rel, "msq_overlap");
        assertNear(bf.mEff(), metric(result, "m_eff"), rel, "m_eff");
        List<double[]> centred = bf.centredUnits();
        assertNear(BruteForce.msq(centred), metric(result, "msq_overlap_centered"), rel, "msq_overlap_centered");
        assertNear(BruteForce.mEff(centred), metric(result, "m_eff_centered"), rel, "m_eff_centered");
        assertEquals(1.0 / m, metric(result, "inv_m"));
        double welch = bf.k > m ? (double) (bf.k - m) / (m * (bf.k - 1.0)) : 0.0;
        assertNear(welch, metric(result, "welch_bound"), 1e-12, "welch_bound");
        assertNear(msq * m, metric(result, "msq_times_m"), rel, "msq_times_m");
        assertEquals(bf.nonFinite, metric(result, "nonfinite_rows"));
        assertEquals(bf.zero, metric(result, "zero_rows"));
        double[] interference = bf.interference();
        double[] got = result.perToken().get("interference");
        assertEquals(interference.length, got.length);
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < interference.length; i++) {
            if (Double.isNaN(interference[i])) {
                assertTrue(Double.isNaN(got[i]), "interference of invalid row " + i + " is NaN");
            } else {
                // I_i is a sum of k - 1 squares: compare against its scale, not against zero.
                assertEquals(interference[i], got[i], 1e-4 * Math.max(1, interference[i]), "interference[" + i + "]");
                sum += interference[i];
                max = Math.max(max, interference[i]);
            }
        }
        assertNear(sum / bf.k, metric(result, "interference_mean"), 1e-4, "interference_mean");
        assertNear(max, metric(result, "interference_max"), 1e-4, "interference_max");
    }

    @ParameterizedTest
    @CsvSource({"F32, 1", "F32, 2", "F32, 3", "F16, 4", "F16, 5", "BF16, 6", "BF16, 7", "F64, 8"})
    void matchesBruteForceOnRandomRows(DType dtype, long seed) {
        Matrix matrix = TestMatrices.of(dtype, TestMatrices.gaussian(300, 16, seed, 0.02), seed % 2 == 1);
        assertMatchesBruteForce(matrix, analyze(analyzer, matrix, blocks(64)), FLOAT32_PATH);
    }

    /** Widths of 2, 3 and 8 column panels (uneven ones included): the upper-triangle Gram is exact. */
    @ParameterizedTest
    @CsvSource({"F32, 192, 11", "F32, 301, 12", "BF16, 250, 13", "F64, 800, 14"})
    void widePanelledGramMatchesBruteForce(DType dtype, int m, long seed) {
        double[][] rows = TestMatrices.gaussian(260, m, seed, 0.02);
        for (double[] row : rows) {
            row[0] += 0.05; // a shared offset, so centring matters
        }
        rows[17] = new double[m];
        rows[40][m - 1] = Double.NaN;
        Matrix matrix = TestMatrices.of(dtype, rows, seed % 2 == 0);
        assertMatchesBruteForce(matrix, analyze(analyzer, matrix, blocks(100)), FLOAT32_PATH);
    }

    /** Raw directions do not depend on row scale: tiny F32 rows (norms ~1e-19) give the raw metrics of unit-scale ones. */
    @Test
    void tinyRowsGiveTheSameOverlapAsUnitScaleRows() {
        double[][] rows = TestMatrices.gaussian(200, 130, 31, 1.0);
        double[][] tiny = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            tiny[i] = rows[i].clone();
            for (int j = 0; j < tiny[i].length; j++) {
                tiny[i][j] *= i % 3 == 0 ? 1e-20 : 1.0;
            }
        }
        AnalysisResult unit = analyze(analyzer, TestMatrices.of(DType.F32, rows, true), blocks(64));
        Matrix matrix = TestMatrices.of(DType.F32, tiny, true);
        AnalysisResult small = analyze(analyzer, matrix, blocks(64));
        for (String name : List.of("msq_overlap", "m_eff", "interference_mean")) {
            assertNear(metric(unit, name), metric(small, name), 1e-5, name);
        }
        assertMatchesBruteForce(matrix, small, FLOAT32_PATH);
    }

    @Test
    void aMatrixTooWideForItsGramIsBadInputNotAnInternalError() {
        Matrix wide = TestMatrices.of(DType.F32, TestMatrices.gaussian(3, OverlapAnalyzer.MAX_COLS + 1, 8, 1.0));
        BadInputException e = assertThrows(BadInputException.class, () -> analyze(analyzer, wide, blocks(64)));
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("46341 columns") && e.getMessage().contains("--transpose"), e.getMessage());
    }

    @Test
    void blockBoundariesDoNotChangeTheResult() {
        Matrix matrix = TestMatrices.of(DType.F32, TestMatrices.gaussian(301, 12, 21, 1.0));
        for (int rows : new int[] {1, 7, 37, 301, 4096}) {
            assertMatchesBruteForce(matrix, analyze(analyzer, matrix, blocks(rows)), FLOAT32_PATH);
        }
    }

    @Test
    void invalidRowsAreCountedAndExcluded() {
        double[][] rows = TestMatrices.gaussian(120, 10, 5, 1.0);
        rows[0][0] = Double.NaN;
        rows[17][9] = Double.POSITIVE_INFINITY;
        rows[18] = new double[10];
        rows[119] = new double[10];
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16, DType.F64}) {
            Matrix matrix = TestMatrices.of(dtype, rows);
            AnalysisResult result = analyze(analyzer, matrix, blocks(16));
            assertEquals(2, metric(result, "nonfinite_rows"));
            assertEquals(2, metric(result, "zero_rows"));
            assertFalse(Double.isNaN(metric(result, "msq_overlap")), "invalid rows must not poison the result");
            assertMatchesBruteForce(matrix, result, FLOAT32_PATH);
        }
    }

    @Test
    void orthonormalRowsDoNotOverlap() {
        // A random orthonormal basis of R^8 (Gram-Schmidt in float64), so the GEMM is not trivially exact.
        double[][] basis = orthonormalBasis(8, 99);
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F64, basis), blocks(3));
        assertEquals(0.0, metric(result, "msq_overlap"), 1e-7);
        assertEquals(8.0, metric(result, "m_eff"), 1e-5);
        assertEquals(0.0, metric(result, "welch_bound"), "n' <= m: the Welch bound is 0");
        for (double v : result.perToken().get("interference")) {
            assertEquals(0.0, v, 1e-6);
        }
    }

    @Test
    void identicalRowsOverlapCompletely() {
        double[][] rows = new double[50][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {0.3, -1.2, 0.7, 2.0};
        }
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, rows), blocks(16));
        assertNear(1.0, metric(result, "msq_overlap"), 1e-6, "msq_overlap");
        assertNear(1.0, metric(result, "m_eff"), 1e-6, "m_eff");
        assertNear(4.0, metric(result, "msq_times_m"), 1e-6, "msq_times_m");
        // Centred, every row is the zero vector: no direction is left.
        assertTrue(Double.isNaN(metric(result, "msq_overlap_centered")));
        assertTrue(Double.isNaN(metric(result, "m_eff_centered")));
    }

    @Test
    void simplexFrameMeetsTheWelchBound() {
        // n = m + 1 unit vectors with pairwise cosine -1/m: an equiangular tight frame, msq = 1/m^2.
        int m = 7;
        double[][] frame = simplex(m);
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, frame), blocks(3));
        double welch = metric(result, "welch_bound");
        assertNear(1.0 / (m * m), welch, 1e-12, "welch_bound");
        assertNear(welch, metric(result, "msq_overlap"), 1e-5, "msq_overlap = Welch bound");
        assertNear(m, metric(result, "m_eff"), 1e-5, "a tight frame spreads evenly over all m dimensions");
    }

    @Test
    void icosahedronDiagonalsMeetTheWelchBound() {
        double phi = (1 + Math.sqrt(5)) / 2;
        double[][] diagonals = {{0, 1, phi}, {0, 1, -phi}, {1, phi, 0}, {1, -phi, 0}, {phi, 0, 1}, {-phi, 0, 1}};
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            AnalysisResult result = analyze(analyzer, TestMatrices.of(dtype, diagonals), blocks(4));
            assertNear(0.2, metric(result, "welch_bound"), 1e-12, "welch_bound (6-3)/(3*5)");
            assertNear(0.2, metric(result, "msq_overlap"), 1e-6, "every |cos| is 1/sqrt(5)");
            assertNear(3.0, metric(result, "m_eff"), 1e-6, "m_eff");
        }
    }

    @Test
    void centringRemovesASharedOffset() {
        double[][] base = TestMatrices.gaussian(400, 16, 8, 1.0);
        double[][] shifted = new double[base.length][16];
        for (int i = 0; i < base.length; i++) {
            for (int j = 0; j < 16; j++) {
                shifted[i][j] = base[i][j] + 10.0 + j;
            }
        }
        AnalysisResult plain = analyze(analyzer, TestMatrices.of(DType.F32, base), blocks(64));
        Matrix shiftedMatrix = TestMatrices.of(DType.F32, shifted);
        AnalysisResult offset = analyze(analyzer, shiftedMatrix, blocks(64));
        assertTrue(metric(offset, "msq_overlap") > 0.9, "the shared offset makes every pair nearly parallel");
        assertTrue(metric(plain, "msq_overlap") < 0.1);
        // Centring removes it: the same as centring the rows without the offset (up to float32 storage
        // of the shifted values), and what the brute force finds on the stored values.
        assertNear(metric(plain, "msq_overlap_centered"), metric(offset, "msq_overlap_centered"), 1e-4, "centred");
        assertNear(metric(plain, "m_eff_centered"), metric(offset, "m_eff_centered"), 1e-4, "m_eff_centered");
        assertMatchesBruteForce(shiftedMatrix, offset, FLOAT32_PATH);
    }

    @Test
    void oneColumnAndFewRows() {
        double[][] column = {{1}, {-2}, {0.5}, {3}};
        AnalysisResult one = analyze(analyzer, TestMatrices.of(DType.F32, column), blocks(3));
        assertEquals(1.0, metric(one, "msq_overlap"), 1e-6);
        assertEquals(1.0, metric(one, "welch_bound"), 1e-12);
        assertEquals(1.0, metric(one, "inv_m"));
        Matrix few = TestMatrices.of(DType.F32, TestMatrices.gaussian(5, 16, 3, 1.0));
        AnalysisResult fewResult = analyze(analyzer, few, blocks(2));
        assertEquals(0.0, metric(fewResult, "welch_bound"));
        assertMatchesBruteForce(few, fewResult, FLOAT32_PATH);
    }

    @Test
    void fewerThanTwoValidRowsGiveNaNOverlaps() {
        double[][] rows = {{1, 2, 3}, {0, 0, 0}, {Double.NaN, 0, 0}};
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, rows), blocks(2));
        for (String name : List.of("msq_overlap", "msq_overlap_centered", "msq_times_m", "m_eff",
                "m_eff_centered", "interference_mean", "interference_max")) {
            assertTrue(Double.isNaN(metric(result, name)), name);
        }
        assertEquals(0.0, metric(result, "welch_bound"), "n' = 1 <= m: the Welch bound is 0 by definition");
        assertEquals(1.0 / 3, metric(result, "inv_m"));
        assertEquals(1, metric(result, "zero_rows"));
        assertEquals(1, metric(result, "nonfinite_rows"));
    }

    @Test
    void unsupportedDtypeIsBadInputOnOneLine() {
        Matrix ints = Matrices.ofBuffer("model.embed.weight", DType.I32, 4, 2, ByteBuffer.allocate(32));
        BadInputException e = assertThrows(BadInputException.class, () -> analyze(analyzer, ints, blocks(2)));
        assertTrue(e.getMessage().contains("model.embed.weight") && e.getMessage().contains("I32"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void metricsComeInTheDeclaredOrder() {
        AnalysisResult result = analyze(analyzer, TestMatrices.of(DType.F32, TestMatrices.gaussian(9, 3, 1, 1)), blocks(4));
        assertEquals(analyzer.metricNames(), result.metrics().stream().map(m -> m.name()).toList());
    }

    @Test
    void gpt2Fixture() throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor("gpt2-m16", "transformer.wte.weight")) {
            AnalysisResult result = analyze(analyzer, t.matrix(), AnalysisOptions.defaults());
            // PROVENANCE.md: mean squared cosine over i != j = 0.0625052095605 (float64 numpy).
            assertNear(0.0625052095605, metric(result, "msq_overlap"), 1e-6, "msq_overlap");
            assertEquals(0.0625, metric(result, "inv_m"));
        }
    }

    @Test
    void smallFixturesMatchTheNumpyReference() throws Exception {
        // Values printed by bench/reference_metrics.py (float64 numpy) for each tensor.
        check("cerebras-gpt2-tiny", "transformer.wte.weight", 0.1229789443217601, 0.14580869111729167,
                5.100374547513442, 4.608479690754737, 1.3527683875393608, 2.233571532865245, 0);
        check("gptneox-tiny", "embed_out.weight", 0.06406574931875533, 0.0681870586638045,
                6.7046291170917325, 6.540336746115715, 0.6406574931875535, 0.9425228318599741, 0);
        check("opt-tiny", "lm_head.weight", 0.06886937623462568, 0.08028263656846385,
                6.173508736959368, 5.805367858574441, 0.619824386111631, 1.0885699795999564, 1);
        check("smollm2-bf16-tiny", "model.embed_tokens.weight", 0.5794624032670966, 0.5167625661681291,
                1.627320225257635, 1.7952278639358417, 6.374086435938064, 8.143291298720895, 0);
    }

    private void check(String folder, String tensor, double msq, double msqCentred, double meff, double meffCentred,
                       double interferenceMean, double interferenceMax, int zeroRows) throws Exception {
        try (Fixtures.Tensor t = Fixtures.tensor(folder, tensor)) {
            AnalysisResult r = analyze(analyzer, t.matrix(), AnalysisOptions.defaults());
            assertNear(msq, metric(r, "msq_overlap"), 1e-6, folder + " msq_overlap");
            assertNear(msqCentred, metric(r, "msq_overlap_centered"), 1e-6, folder + " msq_overlap_centered");
            assertNear(meff, metric(r, "m_eff"), 1e-6, folder + " m_eff");
            assertNear(meffCentred, metric(r, "m_eff_centered"), 1e-6, folder + " m_eff_centered");
            assertNear(interferenceMean, metric(r, "interference_mean"), 1e-6, folder + " interference_mean");
            assertNear(interferenceMax, metric(r, "interference_max"), 1e-6, folder + " interference_max");
            assertEquals(zeroRows, metric(r, "zero_rows"), folder + " zero_rows");
        }
    }

    static double[][] orthonormalBasis(int m, long seed) {
        double[][] v = TestMatrices.gaussian(m, m, seed, 1.0);
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < i; k++) {
                double d = BruteForce.dot(v[i], v[k]);
                for (int j = 0; j < m; j++) {
                    v[i][j] -= d * v[k][j];
                }
            }
            double r = Math.sqrt(BruteForce.dot(v[i], v[i]));
            for (int j = 0; j < m; j++) {
                v[i][j] /= r;
            }
        }
        return v;
    }

    /** The m + 1 vertices of a regular simplex centred at 0, in R^m coordinates. */
    static double[][] simplex(int m) {
        // e_i - (1/(m+1)) 1 in R^(m+1) lies in the hyperplane orthogonal to 1; express it in an
        // orthonormal basis of that hyperplane.
        int d = m + 1;
        double[][] hyperplane = new double[m][d];
        double[][] basis = orthonormalBasis(d, 5);
        // Gram-Schmidt starting from 1/sqrt(d), then the random vectors: drop the first.
        double[][] start = new double[d][d];
        start[0] = new double[d];
        java.util.Arrays.fill(start[0], 1);
        for (int i = 1; i < d; i++) {
            start[i] = basis[i].clone();
        }
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < i; k++) {
                double dd = BruteForce.dot(start[i], start[k]);
                for (int j = 0; j < d; j++) {
                    start[i][j] -= dd * start[k][j];
                }
            }
            double r = Math.sqrt(BruteForce.dot(start[i], start[i]));
            for (int j = 0; j < d; j++) {
                start[i][j] /= r;
            }
        }
        System.arraycopy(start, 1, hyperplane, 0, m);
        double[][] frame = new double[d][m];
        for (int v = 0; v < d; v++) {
            double[] point = new double[d];
            java.util.Arrays.fill(point, -1.0 / d);
            point[v] += 1;
            for (int a = 0; a < m; a++) {
                frame[v][a] = BruteForce.dot(point, hyperplane[a]);
            }
        }
        return frame;
    }
}
