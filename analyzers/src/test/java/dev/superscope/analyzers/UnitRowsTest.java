package dev.superscope.analyzers;

import ai.djl.ndarray.NDManager;
import dev.superscope.analyzers.engine.RowBlocks;
import dev.superscope.analyzers.engine.RowScan;
import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.analyzers.engine.UnitRows;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both routes of {@link UnitRows} against float64 unit and centred rows of the stored values: the engine
 * route where float32 keeps every digit float32 can hold, the Java route everywhere else.
 */
class UnitRowsTest {

    /** What one prepared block gave: the route, the unit rows and the centred rows. */
    private record Prepared(boolean inEngine, float[] unit, int units, float[] centred, int centredRows) {
    }

    private static List<Prepared> prepareAll(Matrix matrix, int blockRows) {
        RowScan scan = RowScan.of(matrix, blockRows);
        RowBlocks blocks = new RowBlocks(matrix, blockRows);
        List<Prepared> out = new ArrayList<>();
        try (NDManager root = TorchEngine.get().newManager();
             UnitRows rows = new UnitRows(blocks, scan, scan.mean())) {
            for (int b = 0; b < blocks.blockCount(); b++) {
                try (NDManager block = root.newSubManager()) {
                    rows.prepare(b, block);
                    out.add(new Prepared(rows.preparedInEngine(), rows.unitArray().toFloatArray(), rows.validCount(),
                            rows.centredArray().toFloatArray(), rows.centredCount()));
                }
            }
        }
        return out;
    }

    /** The float64 unit and centred rows of the stored values, in order, checked against the prepared blocks. */
    private static void assertRowsMatch(double[][] stored, List<Prepared> blocks, double tolerance) {
        int m = stored[0].length;
        List<double[]> units = new ArrayList<>();
        double[] mean = new double[m];
        for (double[] row : stored) {
            double r = Math.sqrt(dot(row, row));
            if (r > 0 && Double.isFinite(r)) {
                double[] u = new double[m];
                for (int j = 0; j < m; j++) {
                    u[j] = row[j] / r;
                    mean[j] += row[j];
                }
                units.add(u);
            }
        }
        List<double[]> valid = new ArrayList<>();
        for (double[] row : stored) {
            double r = Math.sqrt(dot(row, row));
            if (r > 0 && Double.isFinite(r)) {
                valid.add(row);
            }
        }
        for (int j = 0; j < m; j++) {
            mean[j] /= valid.size();
        }
        List<double[]> centred = new ArrayList<>();
        for (double[] row : valid) {
            double[] c = new double[m];
            for (int j = 0; j < m; j++) {
                c[j] = row[j] - mean[j];
            }
            double s = Math.sqrt(dot(c, c));
            if (s > 0) {
                for (int j = 0; j < m; j++) {
                    c[j] /= s;
                }
                centred.add(c);
            }
        }
        int u = 0;
        int c = 0;
        for (Prepared p : blocks) {
            for (int i = 0; i < p.units(); i++, u++) {
                for (int j = 0; j < m; j++) {
                    assertEquals(units.get(u)[j], p.unit()[i * m + j], tolerance, "unit row " + u);
                }
            }
            for (int i = 0; i < p.centredRows(); i++, c++) {
                for (int j = 0; j < m; j++) {
                    assertEquals(centred.get(c)[j], p.centred()[i * m + j], tolerance, "centred row " + c);
                }
            }
        }
        assertEquals(units.size(), u, "every valid row once");
        assertEquals(centred.size(), c, "every centred row with a direction once");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void validBlocksAreScaledAndCentredInTheEngine(DType dtype) {
        double[][] rows = TestMatrices.gaussian(90, 24, 3, 0.02);
        for (double[] row : rows) {
            row[0] += 0.01; // a mean of the same size as the spread
        }
        Matrix matrix = TestMatrices.of(dtype, rows);
        List<Prepared> blocks = prepareAll(matrix, 32);
        assertEquals(3, blocks.size());
        blocks.forEach(b -> assertTrue(b.inEngine(), "all rows valid, mean small against the spread"));
        assertRowsMatch(TestMatrices.decoded(matrix), blocks, 1e-6);
    }

    @Test
    void blocksWithInvalidRowsTakeTheJavaRoute() {
        double[][] rows = TestMatrices.gaussian(64, 16, 5, 1.0);
        rows[3] = new double[16];
        rows[40][7] = Double.NaN;
        Matrix matrix = TestMatrices.of(DType.F32, rows);
        List<Prepared> blocks = prepareAll(matrix, 32);
        assertFalse(blocks.get(0).inEngine());
        assertFalse(blocks.get(1).inEngine());
        assertEquals(31, blocks.get(0).units(), "the zero row is left out");
        assertEquals(31, blocks.get(1).units(), "the NaN row is left out");
        assertRowsMatch(TestMatrices.decoded(matrix), blocks, 1e-6);
    }

    @Test
    void aMeanLargeAgainstTheSpreadIsCentredInFloat64() {
        double[][] rows = TestMatrices.gaussian(64, 16, 6, 1e-3);
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] += 10.0 + j; // float32 rounding of this mean is far larger than the rows' spread
            }
        }
        Matrix matrix = TestMatrices.of(DType.F32, rows);
        List<Prepared> blocks = prepareAll(matrix, 64);
        assertFalse(blocks.get(0).inEngine());
        assertRowsMatch(TestMatrices.decoded(matrix), blocks, 1e-6);
    }

    @Test
    void aRowEqualToTheMeanHasNoCentredDirection() {
        double[][] rows = {{1, 2}, {3, 4}, {2, 3}};
        Matrix matrix = TestMatrices.of(DType.F32, rows);
        List<Prepared> blocks = prepareAll(matrix, 8);
        assertFalse(blocks.get(0).inEngine());
        assertEquals(3, blocks.get(0).units());
        assertEquals(2, blocks.get(0).centredRows());
        assertRowsMatch(rows, blocks, 1e-7);
    }

    @Test
    void float64RowsTakeTheJavaRoute() {
        double[][] rows = TestMatrices.gaussian(20, 8, 9, 1e-20);
        Matrix matrix = TestMatrices.of(DType.F64, rows);
        List<Prepared> blocks = prepareAll(matrix, 32);
        assertFalse(blocks.get(0).inEngine(), "F64 keeps its precision until the rows are unit vectors");
        assertRowsMatch(rows, blocks, 1e-6);
    }
}
