package dev.superscope.bench;

import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Matrix;
import dev.superscope.testing.SeededWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark method once, directly (not through JMH), on a tiny head written and mapped the
 * way the benchmarks do it, and checks what it computed against float64 brute force over the same
 * file. Widths of 200 columns give the panelled Gram two panels; 128-row blocks give three blocks, the
 * last one short.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class BenchmarksComputeTest {
    @Parameter
    String backendName;

    private static final int ROWS = 300;
    private static final int BLOCK_ROWS = 128;

    /** {@code bench} on this backend with {@code cols} columns and its own {@code shape}, its head open. */
    private <B extends MappedHead> B opened(B bench, int cols, Consumer<B> shape) throws IOException {
        bench.backend = backendName;
        bench.cols = cols;
        shape.accept(bench);
        bench.openHead();
        return bench;
    }

    @Test
    void gemmRateComputesTheTileProduct() throws Exception {
        GemmRate bench = new GemmRate();
        bench.backend = backendName;
        bench.tile = 150;
        bench.cols = 200;
        double[][] w;
        float[] c;
        bench.openHead();
        try {
            w = values(bench.freshMatrix());
            c = bench.lastProduct();
        } finally {
            bench.closeHead();
        }
        int t = bench.tile;
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                double exact = dot(w[i], w[t + j]);
                double scale = Math.sqrt(dot(w[i], w[i]) * dot(w[t + j], w[t + j]));
                assertEquals(exact, c[i * t + j], 1e-5 * scale, "C[" + i + "][" + j + "]");
            }
        }
        assertEquals(2.0 * t * t * 200, GemmRate.flops(t, 200));
    }

    @Test
    void rowScanMeasuresEveryRow() throws Exception {
        RowScanBench bench = opened(new RowScanBench(), 96, b -> {
            b.rows = ROWS;
            b.blockRows = BLOCK_ROWS;
        });
        Path file = bench.file();
        try {
            double[][] w = values(bench.freshMatrix());
            RowScan scan = bench.rowScan();
            assertEquals(ROWS, scan.validRows());
            double[] sums = new double[bench.cols];
            for (int i = 0; i < ROWS; i++) {
                double ss = 0;
                for (int j = 0; j < bench.cols; j++) {
                    ss += w[i][j] * w[i][j];
                    sums[j] += w[i][j];
                }
                assertEquals(Math.sqrt(ss), scan.norms()[i], 1e-12 * Math.sqrt(ss), "norm of row " + i);
            }
            assertArrayEquals(sums, scan.columnSums(), 1e-12);
        } finally {
            bench.closeHead();
        }
        assertFalse(Files.exists(file), "the trial's file is deleted at tear-down");
    }

    @Test
    void gramBenchmarksMatchBruteForceOverlaps() throws Exception {
        GramBench bench = opened(new GramBench(), 200, b -> {
            b.rows = ROWS;
            b.blockRows = BLOCK_ROWS;
        });
        try {
            double[][] w = values(bench.freshMatrix());
            double[][] u = unit(w);
            double[][] c = unit(centred(w));
            double offDiagonal = sumSquaredCosines(u);
            double fp = ROWS + offDiagonal;
            double pairs = (double) ROWS * (ROWS - 1);

            assertEquals(fp, bench.gramAdd(), 1e-5 * fp, "||U^T U||_F^2");

            AnalysisResult result = bench.overlap();
            assertEquals(offDiagonal / pairs, result.metric("msq_overlap").orElseThrow(), 1e-5 * offDiagonal / pairs);
            double centredOff = sumSquaredCosines(c);
            assertEquals(centredOff / pairs, result.metric("msq_overlap_centered").orElseThrow(),
                    1e-5 * centredOff / pairs);
            assertEquals(offDiagonal / ROWS, result.metric("interference_mean").orElseThrow(), 1e-4 * offDiagonal / ROWS);
            double[] interference = result.perToken().get("interference");
            for (int i = 0; i < ROWS; i += 37) {
                double exact = 0;
                for (int j = 0; j < ROWS; j++) {
                    exact += j == i ? 0 : Math.pow(dot(u[i], u[j]), 2);
                }
                assertEquals(exact, interference[i], 1e-4 * exact + 1e-6, "interference of row " + i);
            }
        } finally {
            bench.closeHead();
        }
    }

    @Test
    void pairwiseBenchmarksMatchBruteForceCosines() throws Exception {
        // Narrow rows make other rows often outscore a row at its own direction: a decode-error rate
        // well away from 0 and 1.
        PairwiseBench bench = opened(new PairwiseBench(), 8, b -> {
            b.rows = ROWS;
            b.blockRows = BLOCK_ROWS;
        });
        try {
            double[][] w = values(bench.freshMatrix());
            double[][] u = unit(w);
            double sumAbs = 0;
            double maxAbs = 0;
            for (int i = 0; i < ROWS; i++) {
                for (int j = i + 1; j < ROWS; j++) {
                    double a = Math.abs(dot(u[i], u[j]));
                    sumAbs += a;
                    maxAbs = Math.max(maxAbs, a);
                }
            }
            int losers = 0;
            for (int i = 0; i < ROWS; i++) {
                double own = dot(w[i], u[i]);
                for (int j = 0; j < ROWS; j++) {
                    if (j != i && dot(w[j], u[i]) > own) {
                        losers++;
                        break;
                    }
                }
            }
            double rate = (double) losers / ROWS;
            assertTrue(rate > 0.05 && rate < 0.95, "a decode-error rate that can tell right from wrong: " + rate);

            AnalysisResult pairwise = bench.pairwise();
            double mean = sumAbs / (ROWS * (ROWS - 1) / 2.0);
            assertEquals(mean, pairwise.metric("mean_abs_overlap").orElseThrow(), 1e-5 * mean);
            assertEquals(maxAbs, pairwise.metric("max_abs_overlap").orElseThrow(), 1e-5);

            AnalysisResult decode = bench.decodeError();
            assertEquals(rate, decode.metric("decode_error_rate").orElseThrow(), 0.0);
        } finally {
            bench.closeHead();
        }
    }

    /** The head as float64 values (exact: F32 widens without loss). */
    private static double[][] values(Matrix matrix) {
        int n = Math.toIntExact(matrix.rows());
        return SeededWeights.rows(matrix.rowsAsFloats(0, n), n, matrix.cols());
    }

    private static double column(double[][] w, int j) {
        double s = 0;
        for (double[] row : w) {
            s += row[j] * row[j];
        }
        return s;
    }

    private static double[][] centred(double[][] w) {
        int m = w[0].length;
        double[] mean = new double[m];
        for (double[] row : w) {
            for (int j = 0; j < m; j++) {
                mean[j] += row[j] / w.length;
            }
        }
        double[][] out = new double[w.length][m];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < m; j++) {
                out[i][j] = w[i][j] - mean[j];
            }
        }
        return out;
    }

    private static double[][] unit(double[][] w) {
        double[][] out = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            double r = Math.sqrt(dot(w[i], w[i]));
            out[i] = new double[w[i].length];
            for (int j = 0; j < w[i].length; j++) {
                out[i][j] = w[i][j] / r;
            }
        }
        return out;
    }

    /** sum over i != j of (u_i . u_j)^2. */
    private static double sumSquaredCosines(double[][] u) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            for (int j = i + 1; j < u.length; j++) {
                double d = dot(u[i], u[j]);
                s += 2 * d * d;
            }
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
