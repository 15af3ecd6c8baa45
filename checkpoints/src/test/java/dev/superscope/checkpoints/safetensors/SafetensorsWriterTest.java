package dev.superscope.checkpoints.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's layout, padding, streaming and atomicity, and the sharded index file. */
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private static float[] f32(float... v) {
        return v;
    }

    /**
     * The byte vectors of the reference implementation's own serialisation tests: a 6-float tensor named
     * "attn.0" (a 64-byte header needing no padding), the same named "attn0" with shape [1,1,2,3] (7
     * spaces of padding), and the empty file with and without metadata.
     */
    @Test
    void matchesTheReferenceSerialisationVectors() throws IOException {
        float[] six = f32(0, 1, 2, 3, 4, 5);
        assertFile(new SafetensorsWriter().floats("attn.0", DType.F32, new long[] {1, 2, 3}, six),
                "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", six);
        assertFile(new SafetensorsWriter().floats("attn0", DType.F32, new long[] {1, 1, 2, 3}, six),
                "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", six);
        assertFile(new SafetensorsWriter(), "{}      ", f32());
        assertFile(new SafetensorsWriter().metadata("framework", "pt"),
                "{\"__metadata__\":{\"framework\":\"pt\"}}     ", f32());
    }

    private void assertFile(SafetensorsWriter w, String header, float[] data) throws IOException {
        Path p = dir.resolve("vector.safetensors");
        long size = w.write(p);
        ByteBuffer expected = ByteBuffer.allocate(8 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float f : data) {
            expected.putFloat(f);
        }
        assertArrayEquals(expected.array(), Files.readAllBytes(p));
        assertEquals(expected.capacity(), size);
        SafetensorsStore.open(p).close(); // and it reads back
    }

    @Test
    void ordersTensorsByDescendingAlignmentThenName() throws IOException {
        Path p = dir.resolve("order.safetensors");
        new SafetensorsWriter()
                .tensor("b", DType.F32, new long[] {1}, ByteBuffer.allocate(4))
                .tensor("a", DType.BF16, new long[] {1}, ByteBuffer.allocate(2))
                .tensor("c", DType.F64, new long[] {1}, ByteBuffer.allocate(8))
                .tensor("d", DType.I8, new long[] {1}, ByteBuffer.allocate(1))
                .tensor("e", DType.F32, new long[] {1}, ByteBuffer.allocate(4))
                .tensor("f", DType.U64, new long[] {1}, ByteBuffer.allocate(8))
                .tensor("g", DType.F4, new long[] {2}, ByteBuffer.allocate(1))
                .write(p);
        SafetensorsHeader h = SafetensorsHeader.read(p);
        List<String> byOffset = new ArrayList<>(h.entries()).stream()
                .sorted((x, y) -> Long.compare(x.begin(), y.begin())).map(SafetensorsHeader.Entry::name).toList();
        assertEquals(List.of("f", "c", "b", "e", "a", "d", "g"), byOffset);
        String json = new String(Files.readAllBytes(p), 8, (int) h.headerLength(), StandardCharsets.UTF_8);
        assertTrue(json.indexOf("\"f\"") < json.indexOf("\"c\"") && json.indexOf("\"e\"") < json.indexOf("\"a\""),
                "entries appear in layout order: " + json);
    }

    @Test
    void streamsRowBlocksOfBoundedSize() throws IOException {
        int rows = 1000;
        int cols = 3000; // 12 MB of F32: three blocks of at most 4 MiB
        List<long[]> calls = new ArrayList<>();
        Path p = dir.resolve("streamed.safetensors");
        new SafetensorsWriter().tensor("big", DType.F32, new long[] {rows, cols}, (first, count, block) -> {
            calls.add(new long[] {first, count, block.remaining()});
            for (long r = first; r < first + count; r++) {
                for (int c = 0; c < cols; c++) {
                    block.putFloat(r * 0.5f - c);
                }
            }
        }).write(p);
        long next = 0;
        for (long[] call : calls) {
            assertEquals(next, call[0], "blocks come in order");
            assertTrue(call[2] <= SafetensorsWriter.BLOCK_BYTES, "block of " + call[2] + " bytes");
            next += call[1];
        }
        assertEquals(rows, next);
        assertTrue(calls.size() >= 3);
        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            float[] row = store.matrix("big").rowsAsFloats(777, 1);
            assertEquals(777 * 0.5f - 2999, row[2999]);
            assertEquals(777 * 0.5f, row[0]);
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehindAndKeepsTheOldFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        new SafetensorsWriter().floats("old", DType.F32, new long[] {1}, f32(1)).write(p);
        byte[] before = Files.readAllBytes(p);
        SafetensorsWriter lazy = new SafetensorsWriter().tensor("w", DType.F32, new long[] {4, 4},
                (first, count, block) -> block.putFloat(1f)); // fills 4 of 64 bytes
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lazy.write(p));
        assertTrue(e.getMessage().contains("left 60 of 64 bytes"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList(), "no temporary file left");
        }
        new SafetensorsWriter().floats("new", DType.F32, new long[] {1}, f32(2)).write(p);
        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            assertTrue(store.contains("new"));
            assertFalse(store.contains("old"));
        }
    }

    @Test
    void rejectsMisuse() {
        SafetensorsWriter w = new SafetensorsWriter().floats("a", DType.F32, new long[] {1}, f32(1));
        assertThrows(IllegalArgumentException.class, () -> w.floats("a", DType.F32, new long[] {1}, f32(1)));
        assertThrows(IllegalArgumentException.class,
                () -> w.floats("__metadata__", DType.F32, new long[] {1}, f32(1)));
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("b", DType.F32, new long[] {2}, ByteBuffer.allocate(4)));
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("c", DType.F4, new long[] {3}, ByteBuffer.allocate(2)));
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("d", DType.F4, new long[] {2, 3}, (first, count, block) -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.floats("e", DType.I32, new long[] {1}, f32(1)));
    }

    @Test
    void writesTheShardedIndexAsTransformersDoes() throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("model.norm.weight", "model-00002-of-00002.safetensors");
        map.put("lm_head.weight", "model-00002-of-00002.safetensors");
        map.put("caf\u00e9", "model-00001-of-00002.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        SafetensorsWriter.writeIndex(index, 4712, map);
        String expected = "{\n"
                + "  \"metadata\": {\n"
                + "    \"total_size\": 4712\n"
                + "  },\n"
                + "  \"weight_map\": {\n"
                + "    \"caf\\u00e9\": \"model-00001-of-00002.safetensors\",\n"
                + "    \"lm_head.weight\": \"model-00002-of-00002.safetensors\",\n"
                + "    \"model.norm.weight\": \"model-00002-of-00002.safetensors\"\n"
                + "  }\n"
                + "}\n";
        assertEquals(expected, Files.readString(index));
        SafetensorsWriter.writeIndex(index, 0, Map.of());
        assertEquals("{\n  \"metadata\": {\n    \"total_size\": 0\n  },\n  \"weight_map\": {}\n}\n",
                Files.readString(index));
    }

    @Test
    void halfPrecisionEncodingRoundTripsEveryHalfAndRoundsToNearestEven() {
        for (int h = 0; h < 0x10000; h++) {
            float f = dev.superscope.plugins.RowDecoder.F16.halfToFloat((short) h);
            short back = HalfFloats.toHalf(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(dev.superscope.plugins.RowDecoder.F16.halfToFloat(back)));
            } else {
                assertEquals((short) h, back, "half 0x" + Integer.toHexString(h));
            }
        }
        assertEquals(0x3C00, HalfFloats.toHalf(1f + 0x1p-11f)); // tie between 1 and 1+2^-10: even is 1
        assertEquals(0x3C02, HalfFloats.toHalf(1f + 3 * 0x1p-11f)); // tie: rounds up to the even 1+2^-9
        assertEquals(0x3C01, HalfFloats.toHalf(1f + 0x1p-11f + 0x1p-20f)); // just above the tie
        assertEquals(0x7BFF, HalfFloats.toHalf(65519.99f));
        assertEquals(0x7C00, HalfFloats.toHalf(65520f));
        assertEquals((short) 0xFC00, HalfFloats.toHalf(Float.NEGATIVE_INFINITY));
        assertEquals(0x0001, HalfFloats.toHalf(0x1p-24f));
        assertEquals(0x0000, HalfFloats.toHalf(0x1p-25f)); // tie between 0 and the smallest subnormal
        assertEquals(0x0001, HalfFloats.toHalf(0x1.001p-25f));
        assertEquals(0x0002, HalfFloats.toHalf(3 * 0x1p-25f)); // tie between 1 and 2 units: even
        assertEquals(0x0400, HalfFloats.toHalf(0x1.ffffp-15f)); // rounds up into the smallest normal
        assertEquals((short) 0x8000, HalfFloats.toHalf(-0f));
    }

    @Test
    void halfEncodingIsTheNearestHalfForRandomFloats() {
        java.util.Random rnd = new java.util.Random(11);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(f) || Math.abs(f) >= 65504f) {
                continue;
            }
            int h = HalfFloats.toHalf(f) & 0xFFFF;
            double got = dev.superscope.plugins.RowDecoder.F16.halfToFloat((short) h);
            double err = Math.abs(got - f);
            for (int n : new int[] {h - 1, h + 1}) {
                if ((n & 0x7FFF) >= 0x7C00 || n < 0 || n > 0xFFFF) {
                    continue;
                }
                double other = Math.abs(dev.superscope.plugins.RowDecoder.F16.halfToFloat((short) n) - f);
                assertTrue(err < other || (err == other && (h & 1) == 0), "f=" + f + " h=" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void bfloat16EncodingRoundsToNearestEven() {
        assertEquals(0x3F80, HalfFloats.toBFloat16(Float.intBitsToFloat(0x3F808000)) & 0xFFFF); // tie: even
        assertEquals(0x3F82, HalfFloats.toBFloat16(Float.intBitsToFloat(0x3F818000)) & 0xFFFF); // tie: up to even
        assertEquals(0x3F81, HalfFloats.toBFloat16(Float.intBitsToFloat(0x3F808001)) & 0xFFFF);
        assertEquals(0x7F80, HalfFloats.toBFloat16(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7F80, HalfFloats.toBFloat16(Float.MAX_VALUE) & 0xFFFF); // rounds past the largest
        assertTrue(Float.isNaN(Float.intBitsToFloat((HalfFloats.toBFloat16(Float.intBitsToFloat(0x7F800001)) & 0xFFFF) << 16)));
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < 100_000; i++) {
            int bits = rnd.nextInt() & 0x7F7FFFFF; // finite
            float f = Float.intBitsToFloat(bits);
            int b = HalfFloats.toBFloat16(f) & 0xFFFF;
            float lo = Float.intBitsToFloat(bits & 0xFFFF0000);
            float hi = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
            float got = Float.intBitsToFloat(b << 16);
            double dLo = (double) f - lo;
            double dHi = (double) hi - f;
            float want = dLo < dHi ? lo : dHi < dLo ? hi : (((bits >>> 16) & 1) == 0 ? lo : hi);
            assertEquals(want, got, "bits " + Integer.toHexString(bits));
        }
    }
}
