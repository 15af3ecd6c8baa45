package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A 2-D tensor whose elements are not row-major in its storage (a transposed or Fortran-ordered
 * tensor, or one with a row stride wider than its width). Each {@link #rawRows} call gathers just the
 * requested block into a fresh little-endian buffer, walking the storage along whichever dimension is
 * contiguous so that reads come in runs.
 *
 * @param base       file offset of element [0, 0]
 * @param rowStride  elements between rows
 * @param colStride  elements between columns
 * @param storageEnd the byte after the storage; every element was checked to lie before it
 */
record StridedMatrix(String name, DType dtype, long rows, int cols, FileChannel channel, Path file, long base,
                     long rowStride, long colStride, long storageEnd) implements Matrix {

    @Override
    public ByteBuffer rawRows(long first, int count) {
        Matrices.checkBlock(this, first, count);
        long bytes = count * rowBytes();
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a block of " + count + " rows of " + name
                    + " exceeds 2 GiB; read fewer rows at a time");
        }
        ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes == 0) {
            return out;
        }
        int size = dtype.byteSize();
        StorageWindow window = new StorageWindow(channel, file, storageEnd);
        if (colStride == 1 || cols == 1) {
            // Each row is one run of cols elements.
            int runBytes = cols * size;
            for (int r = 0; r < count; r++) {
                int at = window.locate(base + (first + r) * rowStride * size, runBytes);
                out.put(r * runBytes, window.buffer(), at, runBytes);
            }
        } else if (rowStride == 1) {
            // Each column of the block is one run of count elements (the transposed case).
            for (int c = 0; c < cols; c++) {
                int at = window.locate(base + (first + c * colStride) * size, count * size);
                for (int r = 0; r < count; r++) {
                    out.put((r * cols + c) * size, window.buffer(), at + r * size, size);
                }
            }
        } else if (rowStride <= colStride) {
            for (int c = 0; c < cols; c++) {
                for (int r = 0; r < count; r++) {
                    copyElement(window, out, (first + r) * rowStride + c * colStride, (r * cols + c) * size, size);
                }
            }
        } else {
            for (int r = 0; r < count; r++) {
                for (int c = 0; c < cols; c++) {
                    copyElement(window, out, (first + r) * rowStride + c * colStride, (r * cols + c) * size, size);
                }
            }
        }
        return out;
    }

    private void copyElement(StorageWindow window, ByteBuffer out, long element, int to, int size) {
        int at = window.locate(base + element * size, size);
        out.put(to, window.buffer(), at, size);
    }
}
