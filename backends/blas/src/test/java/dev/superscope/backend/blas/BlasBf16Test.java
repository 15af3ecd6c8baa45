package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.testing.BruteForce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bf16 precision: rounding to bfloat16 against its definition, the CPU check, and oneDNN's products
 * against float64 products of the same rounded rows (so that only float32 accumulation can err; the
 * contract's bounds compare with the unrounded rows).
 */
class BlasBf16Test {
    @Test
    void roundingIsToNearestWithTiesToEven() {
        assertEquals((short) 0x3F80, Bfloat16.round(1f));
        assertEquals((short) 0xBF80, Bfloat16.round(-1f));
        float halfUlp = (float) Math.scalb(1.0, -8);
        // 1 + 2^-8 lies halfway between 1 (even mantissa) and 1 + 2^-7: to 1.
        assertEquals((short) 0x3F80, Bfloat16.round(1f + halfUlp));
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): to 1 + 2^-6.
        assertEquals((short) 0x3F82, Bfloat16.round(1f + 3 * halfUlp));
        assertEquals((short) 0x3F81, Bfloat16.round(Math.nextUp(1f + halfUlp)));
        assertEquals(0, Bfloat16.round(0f));
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16.widen(Bfloat16.round(Float.MAX_VALUE)));
        assertEquals(Float.NEGATIVE_INFINITY, Bfloat16.widen(Bfloat16.round(Float.NEGATIVE_INFINITY)));
        assertTrue(Float.isNaN(Bfloat16.widen(Bfloat16.round(Float.NaN))));
        assertTrue(Float.isNaN(Bfloat16.widen(Bfloat16.round(Float.intBitsToFloat(0x7F800001)))), "a NaN whose payload is in the low half");
    }

    @Test
    void roundingAgreesWithTheTestOracleOnRandomValues() {
        float[] values = BruteForce.gaussian(100, 100, 41);
        for (float v : values) {
            float rounded = Bfloat16.widen(Bfloat16.round(v));
            assertEquals(BruteForce.bfloat16(v), rounded, 0f);
            assertTrue(Math.abs(rounded - v) <= Math.scalb(Math.abs(v), -8), v + " -> " + rounded);
        }
    }

    @Test
    void cpuFlagsAreReadFromTheFirstFlagsLine(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx512f AVX512_BF16 sha_ni\n\nprocessor\t: 1\nflags\t\t: fpu\n");
        Optional<String> flags = Bf16Support.cpuFlags(cpuinfo);
        assertTrue(Bf16Support.hasBf16(flags.orElseThrow()));
        assertFalse(Bf16Support.hasBf16(" fpu avx512f avx512_bf16x amx_tile"), "whole flags only");
        assertTrue(Bf16Support.hasBf16("amx_bf16 amx_tile"));
        assertEquals(Optional.empty(), Bf16Support.cpuFlags(dir.resolve("absent")));
        Files.writeString(cpuinfo, "Processor\t: ARMv7\n");
        assertEquals(Optional.empty(), Bf16Support.cpuFlags(cpuinfo), "no flags line: let oneDNN decide");
    }

    @Test
    void panelsCoverTheColumnsInOrder() {
        assertEquals(1, Bf16Products.panels(64));
        assertEquals(2, Bf16Products.panels(768));
        assertEquals(16, Bf16Products.panels(8192));
        for (int m : new int[] {1, 300, 768, 1300, 8192}) {
            int panels = Bf16Products.panels(m);
            assertEquals(0, Bf16Products.panelStart(0, panels, m));
            assertEquals(m, Bf16Products.panelStart(panels, panels, m));
            for (int p = 0; p < panels; p++) {
                assertTrue(Bf16Products.panelStart(p + 1, panels, m) > Bf16Products.panelStart(p, panels, m));
            }
        }
    }

    @Test
    void panelledGramAndFormsEqualFloat64OnesOfTheRoundedInputs() {
        // m = 1300: three uneven panels, so off-diagonal panel products and the triangular forms both run.
        int n = 260;
        int m = 1300;
        assertEquals(3, Bf16Products.panels(m));
        float[] w = BruteForce.unitRowsWithCommonDirection(n, m, 1.0, 43);
        float[] rounded = BruteForce.bfloat16(w);
        try (Backend backend = openBf16(); ComputeScope scope = backend.newScope()) {
            DeviceRows rows = scope.rows(BruteForce.direct(w, n, m));
            GramSum gram = scope.newGram(m);
            double[] got = assertGramOfRoundedRows(gram, rows, rounded, n, m);
            // The forms use H = triu(G) with half its diagonal, rounded to bf16: the same H here, in float64.
            double[] h = new double[m * m];
            for (int i = 0; i < m; i++) {
                for (int j = i; j < m; j++) {
                    h[i * m + j] = BruteForce.bfloat16((float) (j == i ? got[i * m + i] / 2 : got[i * m + j]));
                }
            }
            double[] forms = gram.quadraticForms(rows);
            for (int r = 0; r < n; r++) {
                double want = 0;
                for (int j = 0; j < m; j++) {
                    double rh = 0;
                    for (int l = 0; l <= j; l++) {
                        rh += (double) rounded[r * m + l] * h[l * m + j];
                    }
                    want += 2 * rounded[r * m + j] * rh;
                }
                assertEquals(want, forms[r], 1e-5 * Math.abs(want), "form of row " + r);
            }
        }
    }

    @Test
    void productsEqualFloat64ProductsOfTheRoundedRows() {
        int n = 700;
        int m = 48;
        float[] w = BruteForce.gaussian(n, m, 42);
        float[] rounded = BruteForce.bfloat16(w);
        try (Backend backend = openBf16(); ComputeScope scope = backend.newScope()) {
            assertEquals(ComputePrecision.BF16, backend.precision());
            assertTrue(backend.describe().contains("oneDNN"), backend.describe());
            DeviceRows rows = scope.rows(BruteForce.heap(w, n, m));
            assertGramOfRoundedRows(scope.newGram(m), rows, rounded, n, m);

            int k = 90;
            DeviceRows a = scope.rows(BruteForce.direct(BruteForce.rows(w, m, 0, k), k, m));
            DeviceRows b = scope.rows(BruteForce.direct(BruteForce.rows(w, m, 200, 130), 130, m));
            FloatBuffer tile = scope.newTile(k, 130).multiply(a, b);
            double[] c = BruteForce.product(BruteForce.rows(rounded, m, 0, k), k, BruteForce.rows(rounded, m, 200, 130), 130, m);
            assertEquals(k * 130, tile.remaining());
            for (int i = 0; i < c.length; i++) {
                assertEquals(c[i], tile.get(i), 2e-5 * (1 + Math.abs(c[i])), "tile entry " + i);
            }
        }
    }

    /** The backend in bf16, or the test skipped where this CPU or class path has no BF16 products. */
    private static Backend openBf16() {
        BlasBackendProvider provider = new BlasBackendProvider();
        BackendSettings bf16 = new BackendSettings(Device.CPU, ComputePrecision.BF16, 2);
        Optional<String> reason = provider.unavailableReason(bf16);
        assumeTrue(reason.isEmpty(), () -> "bf16 unavailable here: " + reason.orElse(""));
        return provider.open(bf16);
    }

    /**
     * Adds {@code rows} to {@code gram} and checks G against float64 products of the {@code rounded} rows:
     * bf16 x bf16 products are exact in float32, so only float32 accumulation errs (about sqrt(n) 2^-24).
     */
    private static double[] assertGramOfRoundedRows(GramSum gram, DeviceRows rows, float[] rounded, int n, int m) {
        gram.add(rows);
        double[] exact = BruteForce.gram(rounded, n, m);
        double[] got = gram.toArray();
        for (int i = 0; i < exact.length; i++) {
            assertEquals(exact[i], got[i], 1e-5 * (1 + Math.abs(exact[i])) * Math.sqrt(n), "G entry " + i);
        }
        return got;
    }
}
