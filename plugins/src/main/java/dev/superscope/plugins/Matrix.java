package dev.superscope.plugins;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A 2-D tensor (rows = vocabulary entries, columns = model width m) read in row blocks.
 *
 * <p>Implementations never hold the whole matrix: {@link #rawRows} returns a little-endian view of a
 * block, normally a slice of a memory-mapped file, so a 2.5 GB head can be analysed in bounded
 * memory. Blocks are row-major whatever the storage order was (a strided source is gathered).
 */
public interface Matrix {

    /** The tensor's name in its checkpoint (e.g. {@code lm_head.weight}). */
    String name();

    /** Element type of the stored data. */
    DType dtype();

    /** Number of rows n. */
    long rows();

    /** Number of columns m. */
    int cols();

    /**
     * Rows {@code first .. first+count-1} as little-endian, row-major {@link #dtype()} elements:
     * {@code count * cols() * dtype().byteSize()} bytes from position 0. The buffer is a view where the
     * storage allows it (never a copy of the whole matrix) and must be treated as read-only.
     *
     * @throws IndexOutOfBoundsException when the block is not inside the matrix
     */
    ByteBuffer rawRows(long first, int count);

    /**
     * Tells the matrix that the caller is done with a block {@link #rawRows} returned and will not touch
     * it (or anything viewing its memory) again, so that a mapping made for it can go now rather than
     * when the garbage collector gets to it: a 2.5 GB head streamed block by block would otherwise keep
     * every mapped page resident. The default does nothing.
     */
    default void release(ByteBuffer rows) {
    }

    /**
     * Decodes rows {@code first .. first+count-1} to float32 into {@code dst} (row-major, from its
     * position, which advances by {@code count * cols()}).
     */
    default void readRows(long first, int count, FloatBuffer dst) {
        ByteBuffer raw = rawRows(first, count).order(ByteOrder.LITTLE_ENDIAN);
        RowDecoder.forType(dtype()).decode(raw, count * cols(), dst);
    }

    /** Rows {@code first .. first+count-1} decoded into a new float array (for small blocks and tests). */
    default float[] rowsAsFloats(long first, int count) {
        float[] out = new float[Math.multiplyExact(count, cols())];
        readRows(first, count, FloatBuffer.wrap(out));
        return out;
    }

    /** The first {@code rowCount} rows as a matrix of their own (e.g. the tokenizer's rows of a padded head). */
    default Matrix firstRows(long rowCount) {
        if (rowCount < 0 || rowCount > rows()) {
            throw new IndexOutOfBoundsException("rows " + rowCount + " of " + rows());
        }
        if (rowCount == rows()) {
            return this;
        }
        Matrix whole = this;
        return new Matrix() {
            @Override
            public String name() {
                return whole.name();
            }

            @Override
            public DType dtype() {
                return whole.dtype();
            }

            @Override
            public long rows() {
                return rowCount;
            }

            @Override
            public int cols() {
                return whole.cols();
            }

            @Override
            public ByteBuffer rawRows(long first, int count) {
                Matrices.checkBlock(this, first, count);
                return whole.rawRows(first, count);
            }

            @Override
            public void release(ByteBuffer rows) {
                whole.release(rows);
            }
        };
    }

    /** Bytes one row occupies. */
    default long rowBytes() {
        return (long) cols() * dtype().byteSize();
    }
}
