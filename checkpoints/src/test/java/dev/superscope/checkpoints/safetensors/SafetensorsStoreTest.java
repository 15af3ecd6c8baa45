package dev.superscope.checkpoints.safetensors;

import static dev.superscope.checkpoints.safetensors.SafetensorsHeaderTest.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.RowDecoder;
import dev.superscope.plugins.TensorInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files back: values, shapes, views, and the errors a caller can hit. */
class SafetensorsStoreTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsF32F16Bf16AndF64() throws IOException {
        Random rnd = new Random(7);
        int rows = 37;
        int cols = 11;
        float[] f32 = new float[rows * cols];
        float[] f16 = new float[rows * cols];
        float[] bf16 = new float[rows * cols];
        double[] f64 = new double[rows * cols];
        for (int i = 0; i < f32.length; i++) {
            f32[i] = (float) rnd.nextGaussian();
            // Values each format holds exactly, so decoding must return them bit for bit.
            f16[i] = RowDecoder.F16.halfToFloat((short) rnd.nextInt(0x7C00));
            bf16[i] = Float.intBitsToFloat(rnd.nextInt() & 0xFFFF0000 & 0xBFFFFFFF);
            f64[i] = rnd.nextGaussian() * 1e3;
        }
        ByteBuffer f64Bytes = ByteBuffer.allocate(f64.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : f64) {
            f64Bytes.putDouble(d);
        }
        Path p = dir.resolve("four.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .floats("a.f32", DType.F32, new long[] {rows, cols}, f32)
                .floats("b.f16", DType.F16, new long[] {rows, cols}, f16)
                .floats("c.bf16", DType.BF16, new long[] {rows, cols}, bf16)
                .tensor("d.f64", DType.F64, new long[] {rows, cols}, f64Bytes.flip())
                .write(p);

        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            assertEquals(Map.of("format", "pt"), store.metadata());
            assertEquals(List.of("a.f32", "b.f16", "c.bf16", "d.f64"),
                    store.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(f32, store.matrix("a.f32").rowsAsFloats(0, rows));
            assertArrayEquals(f16, store.matrix("b.f16").rowsAsFloats(0, rows));
            assertArrayEquals(bf16, store.matrix("c.bf16").rowsAsFloats(0, rows));
            float[] expected64 = new float[f64.length];
            for (int i = 0; i < f64.length; i++) {
                expected64[i] = (float) f64[i];
            }
            assertArrayEquals(expected64, store.matrix("d.f64").rowsAsFloats(0, rows));

            // A block in the middle decodes to the same values as the whole.
            Matrix m = store.matrix("c.bf16");
            float[] middle = m.rowsAsFloats(5, 3);
            for (int i = 0; i < middle.length; i++) {
                assertEquals(bf16[5 * cols + i], middle[i]);
            }
            assertEquals(DType.BF16, m.dtype());
            assertEquals(rows, m.rows());
            assertEquals(cols, m.cols());
            assertEquals(store.header().headerLength(), store.headerLength());
            assertEquals(0, store.headerLength() % 8);
        }
    }

    @Test
    void exposesTensorInfoSortedByNameAndRawBytesOfAnyRank() throws IOException {
        Path p = dir.resolve("mixed.safetensors");
        ByteBuffer longs = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(-2).putLong(3);
        new SafetensorsWriter()
                .tensor("z.ids", DType.I64, new long[] {3}, longs.flip())
                .floats("m.bias", DType.F32, new long[] {2}, new float[] {0.5f, -1f})
                .floats("a.scalar", DType.F64, new long[] {}, new float[] {2f})
                .write(p);
        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            assertEquals(List.of("a.scalar", "m.bias", "z.ids"), store.tensors().stream().map(TensorInfo::name).toList());
            TensorInfo ids = store.find("z.ids").orElseThrow();
            assertEquals(DType.I64, ids.dtype());
            assertArrayEquals(new long[] {3}, ids.shape());
            assertEquals(p.toString(), ids.source());
            assertTrue(store.contains("m.bias"));
            assertFalse(store.contains("nope"));
            ByteBuffer raw = store.bytes("z.ids");
            assertEquals(24, raw.remaining());
            assertEquals(-2, raw.getLong(8));
            assertEquals(-1f, store.bytes("m.bias").getFloat(4));
            assertEquals(2.0, store.bytes("a.scalar").getDouble(0));
            assertEquals(p.toString(), store.describe());
        }
    }

    @Test
    void matrixRefusesWhatIsNotADecodable2dTensor() throws IOException {
        Path p = dir.resolve("refuse.safetensors");
        new SafetensorsWriter()
                .floats("vec", DType.F32, new long[] {4}, new float[4])
                .floats("cube", DType.F32, new long[] {1, 2, 2}, new float[4])
                .tensor("ints", DType.I32, new long[] {2, 2}, ByteBuffer.allocate(16))
                .write(p);
        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            rejects(p, () -> store.matrix("vec"), "tensor \"vec\" has shape [4]", "needs exactly 2 dimensions");
            rejects(p, () -> store.matrix("cube"), "tensor \"cube\" has shape [1, 2, 2]");
            rejects(p, () -> store.matrix("ints"), "tensor \"ints\" has dtype I32",
                    "supported dtypes: F16, BF16, F32, F64");
            rejects(p, () -> store.matrix("missing"), "no tensor named \"missing\" among its 3 tensors");
        }
    }

    @Test
    void reportsMissingFilesAndDirectoriesAsBadInput() {
        Path missing = dir.resolve("absent.safetensors");
        rejects(missing, () -> SafetensorsStore.open(missing), "cannot open: no such file");
        rejects(dir, () -> SafetensorsStore.open(dir), "is a directory");
    }

    @Test
    void closingStopsReads() throws IOException {
        Path p = dir.resolve("close.safetensors");
        new SafetensorsWriter().floats("w", DType.F32, new long[] {2, 2}, new float[] {1, 2, 3, 4}).write(p);
        SafetensorsStore store = SafetensorsStore.open(p);
        Matrix m = store.matrix("w");
        assertArrayEquals(new float[] {3, 4}, m.rowsAsFloats(1, 1));
        store.close();
        assertThrows(IllegalStateException.class, () -> store.matrix("w"));
        BadInputException e = assertThrows(BadInputException.class, () -> m.rawRows(0, 1));
        assertTrue(e.getMessage().startsWith(p.toString()));
    }

    /**
     * Reading a 4096-row block of a 50257 x 768 F32 tensor maps just that block: the buffer is direct
     * (a mapping, not a heap copy) and its capacity is exactly the block's bytes. The file is sparse, so
     * the 154 MB tensor costs no disk.
     */
    @Test
    void aRowBlockIsAMappingOfJustThatBlock() throws IOException {
        long rows = 50257;
        int cols = 768;
        SafetensorsWriter writer = new SafetensorsWriter().tensor("transformer.wte.weight", DType.F32,
                new long[] {rows, cols}, (first, count, block) -> {
                    throw new AssertionError("data is written by hand");
                });
        byte[] header = writer.headerBytes(writer.layout());
        long dataStart = 8 + header.length;
        Path p = dir.resolve("wide.safetensors");
        long rowBytes = cols * 4L;
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.setLength(dataStart + rows * rowBytes);
            raf.seek(dataStart + 10_000 * rowBytes + 5 * 4);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(42.5f).array());
        }
        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            ByteBuffer block = store.matrix("transformer.wte.weight").rawRows(8192, 4096);
            assertTrue(block.isDirect(), "a mapped view, not a heap copy");
            assertInstanceOf(MappedByteBuffer.class, block);
            assertEquals(4096 * rowBytes, block.capacity());
            assertEquals(0, block.position());
            assertEquals(ByteOrder.LITTLE_ENDIAN, block.order());
            assertEquals(42.5f, block.getFloat((int) ((10_000 - 8192) * rowBytes + 5 * 4)));
        }
    }
}
