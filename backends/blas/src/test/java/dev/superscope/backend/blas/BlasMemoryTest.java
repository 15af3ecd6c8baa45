package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.testing.BruteForce;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the rows live (zero-copy views, copies of heap blocks) and that scopes give native memory back. */
class BlasMemoryTest {
    private BlasBackend backend;

    @BeforeEach
    void open() {
        backend = (BlasBackend) new BlasBackendProvider().open(new BackendSettings(Device.CPU, ComputePrecision.FLOAT32,
                Runtime.getRuntime().availableProcessors()));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void bf16RowsGramFormsAndTilesGiveEverythingBackWhenTheBackendCloses() {
        BlasBackendProvider provider = new BlasBackendProvider();
        BackendSettings bf16 = new BackendSettings(Device.CPU, ComputePrecision.BF16, 2);
        assumeTrue(provider.unavailableReason(bf16).isEmpty(), "bf16 unavailable here");
        BlasBackend rounded = (BlasBackend) provider.open(bf16);
        try {
            ComputeScope scope = rounded.newScope();
            BlasRows rows = (BlasRows) scope.rows(BruteForce.direct(BruteForce.gaussian(40, 16, 3), 40, 16));
            assertTrue(rows.isBf16() && rows.copied(), "rounded into a copy of their own");
            assertEquals(40 * 16 * Short.BYTES, rounded.liveNativeBytes());
            GramSum gram = scope.newGram(16);
            gram.add(rows);
            gram.quadraticForms(rows);
            scope.newTile(40, 40).multiply(rows, rows);
            assertTrue(rounded.liveNativeBytes() > 40 * 16 * Short.BYTES);
            assertThrows(IllegalStateException.class, rows::pointer, "no float32 view of bf16 rows");
        } finally {
            rounded.close();
        }
        assertEquals(0, rounded.liveNativeBytes(), "closing the backend closes the open scope");
    }

    @Test
    void directBlockIsUsedWhereItLies() {
        FloatRows block = BruteForce.direct(BruteForce.gaussian(30, 8, 1), 30, 8);
        try (ComputeScope scope = backend.newScope()) {
            long before = backend.liveNativeBytes();
            BlasRows rows = (BlasRows) scope.rows(block);
            assertFalse(rows.copied());
            assertEquals(new Pointer(block.data()).address(), rows.address());
            assertEquals(before, backend.liveNativeBytes(), "a view allocates nothing");
        }
    }

    @Test
    void mappedSliceIsUsedWhereItLies(@TempDir Path dir) throws IOException {
        int k = 50;
        int m = 12;
        int offsetFloats = 37;
        float[] w = BruteForce.gaussian(k, m, 2);
        Path file = dir.resolve("rows.f32");
        ByteBuffer contents = ByteBuffer.allocate((offsetFloats + k * m) * Float.BYTES).order(ByteOrder.nativeOrder());
        contents.asFloatBuffer().put(new float[offsetFloats]).put(w);
        Files.write(file, contents.array());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            // A tensor's block is a slice of the mapping, as SafetensorsStore hands them out.
            ByteBuffer slice = mapped.position(offsetFloats * Float.BYTES).slice().order(ByteOrder.nativeOrder());
            try (ComputeScope scope = backend.newScope()) {
                BlasRows rows = (BlasRows) scope.rows(new FloatRows(slice, k, m));
                assertFalse(rows.copied());
                assertEquals(new Pointer(mapped).address() + (long) offsetFloats * Float.BYTES, rows.address());
                GramSum gram = scope.newGram(m);
                gram.add(rows);
                double[] exact = BruteForce.gram(w, k, m);
                double[] g = gram.toArray();
                for (int i = 0; i < m * m; i++) {
                    assertEquals(exact[i], g[i], 1e-5 * Math.sqrt(exact[i / m * m + i / m] * exact[i % m * m + i % m]));
                }
            }
        }
    }

    @Test
    void heapBlockIsCopiedIntoTheScopeAndFreedWithIt() {
        int k = 40;
        int m = 10;
        float[] w = BruteForce.gaussian(k, m, 3);
        FloatRows heap = BruteForce.heap(w, k, m);
        try (ComputeScope scope = backend.newScope()) {
            long before = backend.liveNativeBytes();
            ComputeScope child = scope.newChild();
            BlasRows rows = (BlasRows) child.rows(heap);
            assertTrue(rows.copied());
            assertNotEquals(0, rows.address());
            assertEquals(before + (long) k * m * Float.BYTES, backend.liveNativeBytes());
            float[] copy = new float[k * m];
            rows.values().get(0, copy);
            assertArrayEquals(w, copy);
            child.close();
            assertEquals(before, backend.liveNativeBytes());
        }
    }

    @Test
    void closingTheRootFreesEverythingMadeBelowIt() {
        int m = 24;
        float[] w = BruteForce.gaussian(300, m, 4);
        ComputeScope root = backend.newScope();
        GramSum gram = root.newGram(m);
        ComputeScope child = root.newChild();
        ComputeScope grandchild = child.newChild();
        gram.add(grandchild.rows(BruteForce.heap(w, 300, m)));
        gram.quadraticForms(child.rows(BruteForce.heap(w, 300, m)));
        grandchild.newTile(300, 300).multiply(child.rows(BruteForce.direct(w, 300, m)), child.rows(BruteForce.direct(w, 300, m)));
        child.newGram(m);
        assertTrue(backend.liveNativeBytes() > 3L * m * m * Float.BYTES + 300L * 300 * Float.BYTES);
        root.close();
        assertEquals(0, backend.liveNativeBytes());
    }

    @Test
    void closingTheBackendFreesEveryScope() {
        ComputeScope one = backend.newScope();
        ComputeScope two = backend.newScope();
        one.newGram(100);
        two.newChild().newTile(64, 64);
        two.rows(BruteForce.heap(new float[30], 3, 10));
        assertTrue(backend.liveNativeBytes() > 0);
        backend.close();
        assertEquals(0, backend.liveNativeBytes());
    }

    @Test
    void quadraticFormsBufferIsReplacedWhenALargerBlockComes() {
        int m = 20;
        float[] w = BruteForce.gaussian(500, m, 5);
        try (ComputeScope scope = backend.newScope()) {
            GramSum gram = scope.newGram(m);
            gram.add(scope.rows(BruteForce.direct(w, 500, m)));
            long afterAdd = backend.liveNativeBytes();
            gram.quadraticForms(scope.rows(BruteForce.direct(w, 10, m)));
            gram.quadraticForms(scope.rows(BruteForce.direct(w, 500, m)));
            gram.quadraticForms(scope.rows(BruteForce.direct(w, 100, m)));
            // The block product's scratch (m x m) went when the forms started; H (m x m) and one work buffer
            // for the largest block so far came: the smaller ones were freed.
            assertEquals(afterAdd - (long) m * m * Float.BYTES + (long) m * m * Float.BYTES + 500L * m * Float.BYTES,
                    backend.liveNativeBytes());
        }
    }

    @Test
    void gramSumsOfOneScopeTreeShareOneBlockProduct() {
        int m = 30;
        FloatRows block = BruteForce.direct(BruteForce.gaussian(40, m, 6), 40, m);
        try (ComputeScope scope = backend.newScope()) {
            GramSum raw = scope.newGram(m);
            ComputeScope child = scope.newChild();
            GramSum other = child.newGram(m);
            long sums = backend.liveNativeBytes();
            assertEquals(2L * m * m * Double.BYTES, sums, "two float64 sums, no scratch yet");
            raw.add(scope.rows(block));
            other.add(child.rows(block));
            assertEquals(sums + (long) m * m * Float.BYTES, backend.liveNativeBytes(), "one m x m block product");
            assertArrayEquals(raw.toArray(), other.toArray(), 0.0);
            child.close();
            assertEquals((long) m * m * (Double.BYTES + Float.BYTES), backend.liveNativeBytes(),
                    "the child's sum went, the root's scratch stays");
        }
        assertEquals(0, backend.liveNativeBytes());
    }
}
