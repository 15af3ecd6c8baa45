package dev.superscope.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A transposed view equals the transposed copy, block by block, in every element size. */
class TransposedMatrixTest {

    @Test
    void everyBlockEqualsTheTransposedCopy() {
        int rows = 37;
        int cols = 11;
        float[] stored = new float[rows * cols];
        Random random = new Random(3);
        for (int i = 0; i < stored.length; i++) {
            stored[i] = (float) random.nextGaussian();
        }
        float[] transposed = new float[stored.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                transposed[c * rows + r] = stored[r * cols + c];
            }
        }
        Matrix view = Matrices.transposed(Matrices.ofFloats("w", rows, cols, stored));
        assertEquals(cols, view.rows());
        assertEquals(rows, view.cols());
        assertEquals("w", view.name());
        assertArrayEquals(transposed, view.rowsAsFloats(0, cols));
        for (int first = 0; first < cols; first += 4) {
            int count = Math.min(4, cols - first);
            float[] expected = java.util.Arrays.copyOfRange(transposed, first * rows, (first + count) * rows);
            assertArrayEquals(expected, view.rowsAsFloats(first, count), "block at " + first);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> view.rawRows(10, 2));
    }

    @Test
    void halfAndDoubleElementsAreMovedAsStored() {
        for (DType dtype : new DType[] {DType.F16, DType.BF16, DType.F64}) {
            int rows = 5;
            int cols = 3;
            int size = dtype.byteSize();
            ByteBuffer data = ByteBuffer.allocate(rows * cols * size).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.capacity(); i++) {
                data.put(i, (byte) (i * 7 + 1));
            }
            Matrix view = Matrices.transposed(Matrices.ofBuffer("h", dtype, rows, cols, data));
            ByteBuffer block = view.rawRows(1, 2);
            for (int v = 0; v < 2; v++) {
                for (int r = 0; r < rows; r++) {
                    for (int b = 0; b < size; b++) {
                        assertEquals(data.get((r * cols + 1 + v) * size + b), block.get((v * rows + r) * size + b),
                                dtype + " element (" + (1 + v) + ", " + r + ") byte " + b);
                    }
                }
            }
        }
    }
}
