package dev.superscope.checkpoints.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tensor that crosses the 2 GiB mark of its file: a 140000 x 4096 F32 tensor (2.29 GB) in a sparse
 * file holding real data only in the rows around byte 2^31 and at the very end.
 */
class SafetensorsLargeFileTest {
    private static final long ROWS = 140_000;
    private static final int COLS = 4096;
    private static final long ROW_BYTES = COLS * 4L;
    private static final long TWO_GIB = 1L << 31;

    @TempDir
    Path dir;

    /** The value written at (row, col): exact in float32 (row < 2^18, col / 4 has 2 fraction bits). */
    private static float pattern(long row, int col) {
        return row + col / 4f;
    }

    @Test
    void readsRowsStraddlingTheTwoGibBoundary() throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().tensor("lm_head.weight", DType.F32,
                new long[] {ROWS, COLS}, (first, count, block) -> {
                    throw new AssertionError("data is written by hand");
                });
        byte[] header = writer.headerBytes(writer.layout());
        long dataStart = 8 + header.length;
        long fileLength = dataStart + ROWS * ROW_BYTES;
        assertTrue(fileLength > TWO_GIB + ROW_BYTES);

        // The row whose bytes contain file offset 2^31 (the data start is not a multiple of the row size,
        // so this row really straddles the boundary).
        long straddling = (TWO_GIB - dataStart) / ROW_BYTES;
        assertTrue(dataStart + straddling * ROW_BYTES < TWO_GIB);
        assertTrue(dataStart + (straddling + 1) * ROW_BYTES > TWO_GIB);

        Path p = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.setLength(fileLength);
            for (long row = straddling - 2; row <= straddling + 2; row++) {
                writeRow(raf, dataStart, row);
            }
            writeRow(raf, dataStart, ROWS - 1);
        }

        try (SafetensorsStore store = SafetensorsStore.open(p)) {
            assertEquals(header.length, store.headerLength());
            Matrix m = store.matrix("lm_head.weight");
            assertEquals(ROWS, m.rows());
            assertEquals(COLS, m.cols());

            float[] around = m.rowsAsFloats(straddling - 2, 5);
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < COLS; c++) {
                    assertEquals(pattern(straddling - 2 + r, c), around[r * COLS + c],
                            "row " + (straddling - 2 + r) + " col " + c);
                }
            }
            // The straddling row on its own, and rows that lie wholly beyond 2 GiB.
            ByteBuffer one = m.rawRows(straddling, 1);
            assertEquals(ROW_BYTES, one.capacity());
            assertEquals(pattern(straddling, COLS - 1), one.getFloat((COLS - 1) * 4));
            float[] after = m.rowsAsFloats(straddling + 1, 2);
            assertEquals(pattern(straddling + 2, 7), after[COLS + 7]);
            float[] last = m.rowsAsFloats(ROWS - 1, 1);
            assertEquals(pattern(ROWS - 1, 0), last[0]);
            assertEquals(pattern(ROWS - 1, COLS - 1), last[COLS - 1]);
            // The sparse rest reads as zeros.
            assertEquals(0f, m.rowsAsFloats(0, 1)[0]);
            assertEquals(0f, m.rowsAsFloats(straddling + 3, 1)[COLS / 2]);
        }
    }

    private static void writeRow(RandomAccessFile raf, long dataStart, long row) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < COLS; c++) {
            bytes.putFloat(pattern(row, c));
        }
        raf.seek(dataStart + row * ROW_BYTES);
        raf.write(bytes.array());
    }
}
