package dev.superscope.testing;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.plugins.compute.Tile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every compute backend must do, checked against float64 brute force ({@link BruteForce}) through
 * the SPI alone: a backend module's test extends this class and names its provider. The float32 cases
 * need the backend to run here; the BF16 cases are skipped when the provider says BF16 is unavailable.
 *
 * <p>Tolerances are an order of magnitude above what float32 products give (about 1e-8 on sum(G^2),
 * 1e-7 per quadratic form), so a backend passes on any correct route and fails on any wrong one (a
 * missing triangle, a dropped block, the wrong rows) by orders of magnitude.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {
    /** Relative error allowed on ||G||_F^2 (float32 block products summed in float64). */
    private static final double FROBENIUS_TOLERANCE = 1e-6;
    /** Error allowed on each G_ab and tile entry, relative to |a| |b| (Cauchy-Schwarz scale). */
    private static final double ENTRY_TOLERANCE = 1e-5;
    /** Relative error allowed on each r^T G r, and on their mean. */
    private static final double FORM_TOLERANCE = 2e-6;
    private static final double FORM_MEAN_TOLERANCE = 2e-7;

    private Backend backend;

    /** The provider under test. */
    protected abstract BackendProvider provider();

    /** The settings the tests open the backend with: the CPU, {@code precision}, every processor. */
    protected BackendSettings settings(ComputePrecision precision) {
        return new BackendSettings(Device.CPU, precision, Runtime.getRuntime().availableProcessors());
    }

    @BeforeAll
    void openBackend() {
        Optional<String> reason = provider().unavailableReason(settings(ComputePrecision.FLOAT32));
        assertTrue(reason.isEmpty(), () -> "the backend must run here for its own tests: " + reason.orElse(""));
        backend = provider().open(settings(ComputePrecision.FLOAT32));
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The float32 backend the tests share. */
    protected final Backend backend() {
        return backend;
    }

    // ---- the provider and the backend ----

    @Test
    void providerAndBackendDescribeThemselves() {
        BackendProvider provider = provider();
        assertFalse(provider.name().isBlank());
        assertFalse(provider.description().isBlank());
        assertEquals(provider.name(), backend.name());
        assertNotEquals(Device.AUTO, backend.device());
        assertEquals(ComputePrecision.FLOAT32, backend.precision());
        String line = backend.describe();
        assertFalse(line.isBlank());
        assertFalse(line.contains("\n"), "describe() is one line: " + line);
    }

    // ---- Gram sums ----

    @TestFactory
    Stream<DynamicTest> gramOfOneBlockMatchesBruteForce() {
        // m = 1, widths that are not multiples of any SIMD width, k < m (singular G), k = 0 and 1.
        int[][] shapes = {{5, 1}, {37, 5}, {100, 17}, {300, 64}, {257, 100}, {64, 129}, {1, 33}, {0, 16}, {40, 200}};
        return Stream.of(shapes).map(shape -> DynamicTest.dynamicTest(shape[0] + " x " + shape[1], () -> {
            int k = shape[0];
            int m = shape[1];
            float[] w = BruteForce.gaussian(k, m, 11L * k + m);
            try (ComputeScope scope = backend.newScope()) {
                GramSum gram = scope.newGram(m);
                gram.add(scope.rows(BruteForce.direct(w, k, m)));
                assertEquals(m, gram.cols());
                assertEquals(k, gram.rows());
                assertGram(BruteForce.gram(w, k, m), gram, m);
            }
        }));
    }

    @Test
    void gramAccumulatesManyBlocksOfEveryLength() {
        int m = 23;
        int[] lengths = {7, 0, 1, 64, 3, 0, 129, 1, 50, 33, 2, 90, 1, 17, 256, 5, 0, 40, 8, 1, 77, 120, 9, 31, 60};
        int n = 0;
        for (int k : lengths) {
            n += k;
        }
        float[] w = BruteForce.gaussian(n, m, 5);
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            int first = 0;
            for (int k : lengths) {
                // One child scope per block, as an analyzer's loop does: the rows go, the sum stays.
                try (ComputeScope block = scope.newChild()) {
                    gram.add(block.rows(BruteForce.direct(BruteForce.rows(w, m, first, k), k, m)));
                }
                first += k;
            }
            assertEquals(n, gram.rows());
            assertGram(BruteForce.gram(w, n, m), gram, m);
        }
    }

    @Test
    void emptyGramIsZero() {
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(9);
            assertEquals(0, gram.rows());
            assertEquals(0.0, gram.frobeniusSquared());
            for (double v : gram.toArray()) {
                assertEquals(0.0, v);
            }
        }
    }

    @Test
    void unitRowsGiveTheOverlapIdentity() {
        // sum_{i,j} (u_i . u_j)^2 = ||G||_F^2 for unit rows: the identity the overlap metric rests on.
        int n = 700;
        int m = 48;
        float[] u = BruteForce.unitRows(n, m, 3);
        double pairs = 0;
        double[] c = BruteForce.product(u, n, u, n, m);
        for (double v : c) {
            pairs += v * v;
        }
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            gram.add(scope.rows(BruteForce.direct(u, n, m)));
            assertEquals(pairs, gram.frobeniusSquared(), FROBENIUS_TOLERANCE * pairs);
        }
    }

    @Test
    void gramRefusesRowsOfAnotherWidth() {
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(8);
            DeviceRows rows = scope.rows(BruteForce.direct(BruteForce.gaussian(4, 9, 1), 4, 9));
            assertThrows(IllegalArgumentException.class, () -> gram.add(rows));
            assertThrows(IllegalArgumentException.class, () -> gram.quadraticForms(rows));
        }
    }

    // ---- quadratic forms ----

    @TestFactory
    Stream<DynamicTest> quadraticFormsMatchBruteForce() {
        // {rows, cols, block rows}: G of full rank; k < m (singular G); one row; m = 1.
        int[][] shapes = {{1500, 40, 256}, {600, 97, 100}, {50, 130, 16}, {1, 12, 1}, {30, 1, 7}};
        return Stream.of(shapes).map(shape -> DynamicTest.dynamicTest(shape[0] + " x " + shape[1]
                + " in blocks of " + shape[2], () -> assertQuadraticForms(
                BruteForce.gaussian(shape[0], shape[1], shape[0] + 7L * shape[1]), shape[0], shape[1], shape[2])));
    }

    @Test
    void quadraticFormsOfRowsSharingADirection() {
        // Trained heads' rows share a common direction; G then has one dominant eigenvalue.
        int n = 2000;
        int m = 64;
        assertQuadraticForms(BruteForce.unitRowsWithCommonDirection(n, m, 2.0, 17), n, m, 512);
    }

    @Test
    void quadraticFormsOfEmptyBlockAreEmpty() {
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(6);
            gram.add(scope.rows(BruteForce.direct(BruteForce.gaussian(20, 6, 2), 20, 6)));
            assertEquals(0, gram.quadraticForms(scope.rows(BruteForce.direct(new float[0], 0, 6))).length);
        }
    }

    @Test
    void quadraticFormsFollowBlocksAddedAfterThem() {
        int m = 16;
        float[] w = BruteForce.gaussian(200, m, 4);
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            DeviceRows first = scope.rows(BruteForce.direct(BruteForce.rows(w, m, 0, 100), 100, m));
            gram.add(first);
            gram.quadraticForms(first);
            gram.add(scope.rows(BruteForce.direct(BruteForce.rows(w, m, 100, 100), 100, m)));
            double[] exact = BruteForce.quadraticForms(BruteForce.gram(w, 200, m), m, BruteForce.rows(w, m, 0, 100), 100);
            assertForms(exact, gram.quadraticForms(first));
        }
    }

    // ---- tiles ----

    @Test
    void tileOfTwoBlocksMatchesBruteForce() {
        int m = 29;
        float[] a = BruteForce.gaussian(37, m, 8);
        float[] b = BruteForce.gaussian(53, m, 9);
        try (ComputeScope scope = backend.newScope()) {
            Tile tile = scope.newTile(64, 64);
            FloatBuffer c = tile.multiply(scope.rows(BruteForce.direct(a, 37, m)), scope.rows(BruteForce.direct(b, 53, m)));
            assertTile(a, 37, b, 53, m, c);
        }
    }

    @Test
    void diagonalTileHasBothTriangles() {
        int m = 33;
        int k = 45;
        float[] a = BruteForce.gaussian(k, m, 10);
        try (ComputeScope scope = backend.newScope()) {
            Tile tile = scope.newTile(k, k);
            DeviceRows rows = scope.rows(BruteForce.direct(a, k, m));
            assertTile(a, k, a, k, m, tile.multiply(rows, rows));
        }
    }

    @Test
    void tileIsReusedForProductsOfAnySizeThatFits() {
        int m = 19;
        float[] a = BruteForce.gaussian(70, m, 12);
        float[] b = BruteForce.gaussian(31, m, 13);
        try (ComputeScope scope = backend.newScope()) {
            Tile tile = scope.newTile(70, 80);
            DeviceRows ra = scope.rows(BruteForce.direct(a, 70, m));
            DeviceRows rb = scope.rows(BruteForce.direct(b, 31, m));
            assertTile(a, 70, b, 31, m, tile.multiply(ra, rb));
            assertTile(b, 31, a, 70, m, tile.multiply(rb, ra));
            assertTile(b, 31, b, 31, m, tile.multiply(rb, rb));
            assertTile(a, 70, a, 70, m, tile.multiply(ra, ra));
            DeviceRows none = scope.rows(BruteForce.direct(new float[0], 0, m));
            assertEquals(0, tile.multiply(none, ra).remaining());
            assertEquals(0, tile.multiply(ra, none).remaining());
        }
    }

    @Test
    void tileRefusesWhatDoesNotFit() {
        try (ComputeScope scope = backend.newScope()) {
            Tile tile = scope.newTile(10, 12);
            DeviceRows eleven = scope.rows(BruteForce.direct(BruteForce.gaussian(11, 4, 1), 11, 4));
            DeviceRows ten = scope.rows(BruteForce.direct(BruteForce.gaussian(10, 4, 2), 10, 4));
            DeviceRows narrow = scope.rows(BruteForce.direct(BruteForce.gaussian(3, 5, 3), 3, 5));
            assertThrows(IllegalArgumentException.class, () -> tile.multiply(eleven, ten));
            assertThrows(IllegalArgumentException.class, () -> tile.multiply(ten, narrow));
            assertEquals(110, tile.multiply(ten, eleven).remaining());
        }
    }

    // ---- row blocks ----

    @Test
    void heapBlocksComputeLikeDirectOnes() {
        int k = 90;
        int m = 21;
        float[] w = BruteForce.gaussian(k, m, 14);
        try (ComputeScope scope = backend.newScope()) {
            DeviceRows rows = scope.rows(BruteForce.heap(w, k, m));
            assertEquals(k, rows.rows());
            assertEquals(m, rows.cols());
            GramSum gram = scope.newGram(m);
            gram.add(rows);
            assertGram(BruteForce.gram(w, k, m), gram, m);
            assertTile(w, k, w, k, m, scope.newTile(k, k).multiply(rows, rows));
        }
    }

    @Test
    void blocksAreReadFromPositionZeroOfTheirBuffer() {
        // A slice of a larger buffer (as a mapped tensor's blocks are), its position moved by a reader.
        int k = 12;
        int m = 7;
        float[] w = BruteForce.gaussian(k, m, 15);
        ByteBuffer whole = ByteBuffer.allocateDirect((k * m + 3) * Float.BYTES).order(ByteOrder.nativeOrder());
        whole.asFloatBuffer().put(new float[3]).put(w);
        ByteBuffer slice = whole.position(3 * Float.BYTES).slice().order(ByteOrder.nativeOrder());
        slice.position(20);
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            gram.add(scope.rows(new FloatRows(slice, k, m)));
            assertGram(BruteForce.gram(w, k, m), gram, m);
        }
    }

    @Test
    void rowsOfAnotherBackendAreRefused() {
        DeviceRows foreign = new DeviceRows() {
            @Override
            public int rows() {
                return 1;
            }

            @Override
            public int cols() {
                return 3;
            }
        };
        try (ComputeScope scope = backend.newScope()) {
            assertThrows(IllegalArgumentException.class, () -> scope.newGram(3).add(foreign));
            assertThrows(IllegalArgumentException.class, () -> scope.newTile(2, 2).multiply(foreign, foreign));
        }
    }

    // ---- scopes ----

    @Test
    void closedScopeRefusesEveryUse() {
        FloatRows block = BruteForce.direct(BruteForce.gaussian(4, 3, 1), 4, 3);
        ComputeScope scope = backend.newScope();
        GramSum gram = scope.newGram(3);
        Tile tile = scope.newTile(4, 4);
        DeviceRows rows = scope.rows(block);
        gram.add(rows);
        scope.close();
        assertThrows(IllegalStateException.class, () -> scope.rows(block));
        assertThrows(IllegalStateException.class, () -> scope.newGram(3));
        assertThrows(IllegalStateException.class, () -> scope.newTile(2, 2));
        assertThrows(IllegalStateException.class, scope::newChild);
        assertThrows(IllegalStateException.class, () -> gram.add(rows));
        assertThrows(IllegalStateException.class, gram::frobeniusSquared);
        assertThrows(IllegalStateException.class, () -> gram.quadraticForms(rows));
        assertThrows(IllegalStateException.class, gram::toArray);
        assertThrows(IllegalStateException.class, () -> tile.multiply(rows, rows));
        scope.close();
    }

    @Test
    void closingAParentClosesItsChildren() {
        FloatRows block = BruteForce.direct(BruteForce.gaussian(4, 3, 1), 4, 3);
        try (ComputeScope root = backend.newScope()) {
            GramSum gram = root.newGram(3);
            ComputeScope parent = root.newChild();
            ComputeScope child = parent.newChild();
            ComputeScope grandchild = child.newChild();
            DeviceRows rows = grandchild.rows(block);
            GramSum childGram = child.newGram(3);
            parent.close();
            assertThrows(IllegalStateException.class, () -> child.rows(block));
            assertThrows(IllegalStateException.class, () -> grandchild.rows(block));
            assertThrows(IllegalStateException.class, () -> childGram.add(rows));
            // Rows from a closed scope are refused by a sum that is still open.
            assertThrows(IllegalStateException.class, () -> gram.add(rows));
            // The root and its other children carry on.
            try (ComputeScope sibling = root.newChild()) {
                gram.add(sibling.rows(block));
            }
            assertEquals(4, gram.rows());
        }
    }

    @Test
    void closingAChildLeavesItsParentOpen() {
        FloatRows block = BruteForce.direct(BruteForce.gaussian(6, 2, 1), 6, 2);
        try (ComputeScope root = backend.newScope()) {
            GramSum gram = root.newGram(2);
            for (int i = 0; i < 3; i++) {
                try (ComputeScope child = root.newChild()) {
                    gram.add(child.rows(block));
                }
            }
            assertEquals(18, gram.rows());
            assertGram(BruteForce.gram(repeat(block.toArray(), 3), 18, 2), gram, 2);
        }
    }

    @Test
    void closingTheBackendClosesItsScopes() {
        Backend second = provider().open(settings(ComputePrecision.FLOAT32));
        ComputeScope scope = second.newScope();
        ComputeScope child = scope.newChild();
        GramSum gram = scope.newGram(2);
        second.close();
        assertThrows(IllegalStateException.class, () -> scope.newGram(2));
        assertThrows(IllegalStateException.class, () -> child.newGram(2));
        assertThrows(IllegalStateException.class, gram::frobeniusSquared);
        scope.close();
    }

    // ---- BF16 ----

    @Test
    void bf16IsEitherRefusedOnOpeningOrComputedInBf16() {
        BackendSettings bf16 = settings(ComputePrecision.BF16);
        Optional<String> reason = provider().unavailableReason(bf16);
        if (reason.isPresent()) {
            // Never a backend that computes in float32 while saying bf16 (or the other way round).
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> provider().open(bf16).close());
            assertEquals(reason.get(), e.getMessage());
            assertFalse(reason.get().contains("\n"), "one line");
        } else {
            try (Backend backend = provider().open(bf16)) {
                assertEquals(ComputePrecision.BF16, backend.precision());
            }
        }
    }

    @Test
    void bf16GramIsWithinItsErrorBound() {
        try (Backend bf16 = openBf16()) {
            assertEquals(ComputePrecision.BF16, bf16.precision());
            int n = 3000;
            int m = 96;
            float[] u = BruteForce.unitRows(n, m, 21);
            double exact = BruteForce.sumOfSquares(BruteForce.gram(u, n, m));
            double rounded = BruteForce.sumOfSquares(BruteForce.gram(BruteForce.bfloat16(u), n, m));
            try (ComputeScope scope = bf16.newScope()) {
                GramSum gram = scope.newGram(m);
                for (int first = 0; first < n; first += 1024) {
                    int k = Math.min(1024, n - first);
                    gram.add(scope.rows(BruteForce.direct(BruteForce.rows(u, m, first, k), k, m)));
                }
                double fp = gram.frobeniusSquared();
                // BF16 inputs, float32 accumulation: measured 6e-6 against float64 on unit rows.
                assertEquals(exact, fp, 1e-4 * exact, "sum(G^2) against the float32 rows");
                // The products of the rounded rows are exact in float32: only the accumulation errs, by about
                // sqrt(1024) 2^-24 = 2e-6 over a block's 1024 rows (oneDNN: 1.8e-6 measured).
                assertEquals(rounded, fp, 1e-5 * rounded, "sum(G^2) against the rows rounded to bf16");
            }
        }
    }

    @Test
    void bf16QuadraticFormsAndTilesAreWithinTheirErrorBounds() {
        try (Backend bf16 = openBf16()) {
            int n = 1200;
            int m = 64;
            float[] u = BruteForce.unitRows(n, m, 22);
            double[] exact = BruteForce.quadraticForms(BruteForce.gram(u, n, m), m, u, n);
            try (ComputeScope scope = bf16.newScope()) {
                GramSum gram = scope.newGram(m);
                DeviceRows rows = scope.rows(BruteForce.direct(u, n, m));
                gram.add(rows);
                // Measured 2e-4 .. 9e-4 per token for BF16 inputs with float32 accumulation.
                assertRelativeErrors(exact, gram.quadraticForms(rows), 5e-3, 1e-3, "bf16 r^T G r");

                int k = 200;
                float[] a = BruteForce.rows(u, m, 0, k);
                double[] c = BruteForce.product(a, k, a, k, m);
                DeviceRows ra = scope.rows(BruteForce.direct(a, k, m));
                FloatBuffer tile = scope.newTile(k, k).multiply(ra, ra);
                for (int i = 0; i < k * k; i++) {
                    // Unit rows: each product of two bf16 roundings errs by at most 2^-8 of |a||b|.
                    assertEquals(c[i], tile.get(i), 8e-3, "bf16 tile entry " + i);
                }
            }
        }
    }

    // ---- helpers ----

    private Backend openBf16() {
        BackendSettings bf16 = settings(ComputePrecision.BF16);
        Optional<String> reason = provider().unavailableReason(bf16);
        assumeTrue(reason.isEmpty(), () -> "bf16 unavailable: " + reason.orElse(""));
        return provider().open(bf16);
    }

    private void assertQuadraticForms(float[] w, int n, int m, int blockRows) {
        double[] exact = BruteForce.quadraticForms(BruteForce.gram(w, n, m), m, w, n);
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            List<DeviceRows> blocks = new ArrayList<>();
            for (int first = 0; first < n; first += blockRows) {
                int k = Math.min(blockRows, n - first);
                blocks.add(scope.rows(BruteForce.direct(BruteForce.rows(w, m, first, k), k, m)));
            }
            for (DeviceRows block : blocks) {
                gram.add(block);
            }
            double[] q = new double[n];
            int at = 0;
            for (DeviceRows block : blocks) {
                double[] part = gram.quadraticForms(block);
                assertEquals(block.rows(), part.length);
                System.arraycopy(part, 0, q, at, part.length);
                at += part.length;
            }
            assertForms(exact, q);
        }
    }

    private static void assertForms(double[] exact, double[] q) {
        assertRelativeErrors(exact, q, FORM_TOLERANCE, FORM_MEAN_TOLERANCE, "r^T G r");
    }

    /**
     * Asserts that every {@code got[i]} is within {@code worstBound} of {@code exact[i]} relative, and their
     * mean relative error within {@code meanBound}; the message names the first row outside.
     */
    public static void assertRelativeErrors(double[] exact, double[] got, double worstBound, double meanBound, String what) {
        assertEquals(exact.length, got.length, what + ": values");
        double mean = 0;
        for (int i = 0; i < got.length; i++) {
            double e = Math.abs(got[i] - exact[i]) / exact[i];
            if (!(e <= worstBound)) {
                fail(what + " of row " + i + ": " + got[i] + " against " + exact[i] + " (relative error " + e + ")");
            }
            mean += e / got.length;
        }
        assertTrue(mean <= meanBound, "mean relative error of " + what + ": " + mean);
    }

    private static void assertGram(double[] exact, GramSum gram, int m) {
        double[] g = gram.toArray();
        assertEquals(m * m, g.length);
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                double scale = Math.sqrt(exact[a * m + a] * exact[b * m + b]);
                assertEquals(exact[a * m + b], g[a * m + b], ENTRY_TOLERANCE * scale + 1e-30, "G[" + a + "][" + b + "]");
            }
        }
        double fp = BruteForce.sumOfSquares(exact);
        assertEquals(fp, gram.frobeniusSquared(), FROBENIUS_TOLERANCE * fp, "||G||_F^2");
    }

    private static void assertTile(float[] a, int rowsA, float[] b, int rowsB, int m, FloatBuffer c) {
        assertEquals(0, c.position());
        assertEquals(rowsA * rowsB, c.remaining());
        double[] exact = BruteForce.product(a, rowsA, b, rowsB, m);
        double[] na = BruteForce.rowNorms(a, rowsA, m);
        double[] nb = BruteForce.rowNorms(b, rowsB, m);
        for (int i = 0; i < rowsA; i++) {
            for (int j = 0; j < rowsB; j++) {
                assertEquals(exact[i * rowsB + j], c.get(i * rowsB + j), ENTRY_TOLERANCE * na[i] * nb[j],
                        "C[" + i + "][" + j + "]");
            }
        }
    }

    private static float[] repeat(float[] w, int times) {
        float[] out = new float[w.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(w, 0, out, t * w.length, w.length);
        }
        return out;
    }
}
