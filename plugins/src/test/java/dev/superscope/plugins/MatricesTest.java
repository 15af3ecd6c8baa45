package dev.superscope.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatricesTest {

    @Test
    void mappedBlocksAreViewsOfJustTheBlock(@TempDir Path dir) throws IOException {
        int rows = 1000;
        int cols = 7;
        long offset = 13; // deliberately unaligned, as a safetensors data section can be
        ByteBuffer data = ByteBuffer.allocate((int) offset + rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.position((int) offset);
        for (int i = 0; i < rows * cols; i++) {
            data.putFloat(i * 0.5f);
        }
        Path file = dir.resolve("m.bin");
        Files.write(file, data.array());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Matrix m = Matrices.mapped("w", DType.F32, rows, cols, ch, file, offset);
            ByteBuffer block = m.rawRows(100, 50);
            assertTrue(block.isDirect(), "a mapped view, not a heap copy");
            assertEquals(50 * cols * 4, block.capacity());
            float[] f = m.rowsAsFloats(999, 1);
            assertEquals(999 * cols * 0.5f, f[0]);
            assertEquals((999 * cols + 6) * 0.5f, f[6]);
            assertThrows(IndexOutOfBoundsException.class, () -> m.rawRows(990, 11));
            assertThrows(IndexOutOfBoundsException.class, () -> m.rawRows(-1, 1));
        }
    }

    /** Mappings of the file currently in this process's address space (Linux). */
    private static long mappingsOf(Path file) throws IOException {
        String name = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    }

    @Test
    void releasedBlocksAreUnmappedAtOnce(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/maps")),
                "needs /proc/self/maps to see the mappings");
        int rows = 64;
        int cols = 1024; // 4 KiB rows: each block is a whole number of pages
        Path file = dir.resolve("m.bin");
        ByteBuffer data = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            data.putFloat(i);
        }
        Files.write(file, data.array());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Matrix m = Matrices.mapped("w", DType.F32, rows, cols, ch, file, 0);
            ByteBuffer a = m.rawRows(0, 16);
            ByteBuffer b = m.rawRows(16, 16);
            assertEquals(2, mappingsOf(file), "one mapping per block");
            m.release(a);
            assertEquals(1, mappingsOf(file), "the released block is gone without waiting for a collection");
            assertEquals(16 * cols, b.order(ByteOrder.LITTLE_ENDIAN).getFloat(0), "the other block still reads");
            m.release(b);
            m.release(b); // twice is harmless
            assertEquals(0, mappingsOf(file));
            assertEquals(40 * cols, m.rowsAsFloats(40, 1)[0], "new blocks map again after a release");
        }
    }

    @Test
    void releaseLeavesBuffersItDidNotMapAlone() {
        Matrix m = Matrices.ofFloats("w", 4, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        ByteBuffer block = m.rawRows(1, 2);
        m.release(block);
        m.firstRows(3).release(block);
        assertEquals(3f, block.order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        ByteBuffer slice = direct.slice(8, 8);
        MappedBuffers.unmap(slice); // a view of someone else's memory: left to its owner
        assertEquals(0, slice.get(0));
    }

    @Test
    void firstRowsLimitsTheView() {
        Matrix m = Matrices.ofFloats("w", 4, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        Matrix head = m.firstRows(3);
        assertEquals(3, head.rows());
        assertArrayEquals(new float[] {5, 6}, head.rowsAsFloats(2, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> head.rawRows(3, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> m.firstRows(5));
    }

    @Test
    void bf16MatrixDecodesExactly() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = {1.5f, -0.00390625f, 3.0e38f, Float.NEGATIVE_INFINITY};
        for (float v : values) {
            b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        Matrix m = Matrices.ofBuffer("w", DType.BF16, 2, 2, b.flip());
        float[] got = m.rowsAsFloats(0, 2);
        for (int i = 0; i < 4; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]) & 0xFFFF0000, Float.floatToRawIntBits(got[i]));
        }
    }

    @Test
    void dtypeSizesAndOverflow() {
        assertEquals(2, DType.BF16.byteSize());
        assertEquals(3, DType.F4.bytesFor(6));
        assertEquals(-1, DType.F4.bytesFor(3), "half a byte is no byte count");
        assertEquals(-1, DType.F64.bytesFor(Long.MAX_VALUE / 4), "overflow is reported, not wrapped");
        assertEquals(DType.F8_E4M3, DType.fromSafetensorsName("F8_E4M3"));
        assertEquals(null, DType.fromSafetensorsName("f32"));
        assertEquals(-1, new TensorInfo("t", DType.F32, new long[] {Long.MAX_VALUE, 4}, "f").byteSize());
    }
}
