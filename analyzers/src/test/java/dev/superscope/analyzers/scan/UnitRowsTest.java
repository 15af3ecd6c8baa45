package dev.superscope.analyzers.scan;

import dev.superscope.analyzers.TestMatrices;
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
 * {@link UnitRows} against float64 unit and centred rows of the stored values: one rounding to float32
 * whatever the dtype, the scale or the distance from the mean.
 */
class UnitRowsTest {

    /** What one prepared block gave: the route, the unit rows and the centred rows. */
    private record Prepared(float[] unit, int units, float[] centred, int centredRows) {
    }

    private static List<Prepared> prepareAll(Matrix matrix, int blockRows) {
        RowScan scan = RowScan.of(matrix, blockRows);
        RowBlocks blocks = new RowBlocks(matrix, blockRows);
        List<Prepared> out = new ArrayList<>();
        try (UnitRows rows = new UnitRows(blocks, scan, scan.mean())) {
            for (int b = 0; b < blocks.blockCount(); b++) {
                rows.prepare(b);
                out.add(new Prepared(rows.unit().toArray(), rows.validCount(), rows.centred().toArray(),
                        rows.centredCount()));
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
    void everyDtypeIsScaledAndCentredWithOneRounding(DType dtype) {
        double[][] rows = TestMatrices.gaussian(90, 24, 3, 0.02);
        for (double[] row : rows) {
            row[0] += 0.01; // a mean of the same size as the spread
        }
        Matrix matrix = TestMatrices.of(dtype, rows);
        List<Prepared> blocks = prepareAll(matrix, 32);
        assertEquals(3, blocks.size());
        assertRowsMatch(TestMatrices.decoded(matrix), blocks, 1e-7);
    }

    @Test
    void invalidRowsAreLeftOut() {
        double[][] rows = TestMatrices.gaussian(64, 16, 5, 1.0);
        rows[3] = new double[16];
        rows[40][7] = Double.NaN;
        Matrix matrix = TestMatrices.of(DType.F32, rows);
        List<Prepared> blocks = prepareAll(matrix, 32);
        assertEquals(31, blocks.get(0).units(), "the zero row is left out");
        assertEquals(31, blocks.get(1).units(), "the NaN row is left out");
        assertRowsMatch(TestMatrices.decoded(matrix), blocks, 1e-7);
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
        assertRowsMatch(TestMatrices.decoded(matrix), blocks, 1e-7);
    }

    @Test
    void aRowEqualToTheMeanHasNoCentredDirection() {
        double[][] rows = {{1, 2}, {3, 4}, {2, 3}};
        Matrix matrix = TestMatrices.of(DType.F32, rows);
        List<Prepared> blocks = prepareAll(matrix, 8);
        assertEquals(3, blocks.get(0).units());
        assertEquals(2, blocks.get(0).centredRows());
        assertRowsMatch(rows, blocks, 1e-7);
    }

    @Test
    void tinyFloat64RowsBecomeUnitRows() {
        double[][] rows = TestMatrices.gaussian(20, 8, 9, 1e-20);
        Matrix matrix = TestMatrices.of(DType.F64, rows);
        List<Prepared> blocks = prepareAll(matrix, 32);
        assertRowsMatch(rows, blocks, 1e-7);
    }
}
