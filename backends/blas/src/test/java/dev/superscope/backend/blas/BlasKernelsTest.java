package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.testing.BackendContract;
import dev.superscope.testing.BruteForce;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The accuracy this backend's routes reach on realistic shapes, tighter than the contract's bounds
 * (which any correct float32 backend meets): the numbers bench/BLAS.md reports, with a margin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlasKernelsTest {
    private BlasBackend backend;

    @BeforeAll
    void open() {
        backend = (BlasBackend) new BlasBackendProvider().open(new BackendSettings(Device.CPU, ComputePrecision.FLOAT32,
                Runtime.getRuntime().availableProcessors()));
    }

    @AfterAll
    void close() {
        backend.close();
    }

    @Test
    void frobeniusNormOfUnitRowsIsWithinFloat32Rounding() {
        int n = 5000;
        int m = 200;
        float[] u = BruteForce.unitRows(n, m, 31);
        double exact = BruteForce.sumOfSquares(BruteForce.gram(u, n, m));
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            for (int first = 0; first < n; first += 2048) {
                int k = Math.min(2048, n - first);
                gram.add(scope.rows(BruteForce.direct(BruteForce.rows(u, m, first, k), k, m)));
            }
            // Measured 3e-9 .. 1e-8 (float32 block products, float64 sum).
            assertEquals(exact, gram.frobeniusSquared(), 5e-8 * exact);
        }
    }

    @Test
    void quadraticFormsOfIsotropicRowsAreWithinTarget() {
        assertFormsWithin(BruteForce.unitRows(4096, 256, 32), 4096, 256, 5e-8, 3e-7);
    }

    @Test
    void quadraticFormsOfRowsSharingADirectionAreWithinTarget() {
        // Where a float32 Cholesky factor erred by 4e-7 per row (mean) and 1.8e-6 (max).
        assertFormsWithin(BruteForce.unitRowsWithCommonDirection(4096, 256, 2.0, 33), 4096, 256, 5e-8, 3e-7);
    }

    @Test
    void quadraticFormsOfASingularGramAreWithinTarget() {
        assertFormsWithin(BruteForce.unitRows(100, 256, 34), 100, 256, 5e-8, 3e-7);
    }

    @Test
    void diagonalTileIsExactlySymmetricAndAgreesWithSgemm() {
        int k = 300;
        int m = 70;
        FloatRows block = BruteForce.direct(BruteForce.gaussian(k, m, 35), k, m);
        try (ComputeScope scope = backend.newScope()) {
            DeviceRows rows = scope.rows(block);
            DeviceRows sameMemory = scope.rows(block);
            FloatBuffer bySyrk = scope.newTile(k, k).multiply(rows, rows);
            FloatBuffer bySgemm = scope.newTile(k, k).multiply(rows, sameMemory);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(bySyrk.get(i * k + j), bySyrk.get(j * k + i), 0.0, "mirror at " + i + ", " + j);
                    float g = bySgemm.get(i * k + j);
                    assertEquals(g, bySyrk.get(i * k + j), 1e-6 * m, "ssyrk against sgemm at " + i + ", " + j);
                }
            }
        }
    }

    private void assertFormsWithin(float[] u, int n, int m, double meanBound, double maxBound) {
        double[] exact = BruteForce.quadraticForms(BruteForce.gram(u, n, m), m, u, n);
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            DeviceRows rows = scope.rows(BruteForce.direct(u, n, m));
            gram.add(rows);
            BackendContract.assertRelativeErrors(exact, gram.quadraticForms(rows), maxBound, meanBound, "r^T G r");
        }
    }
}
