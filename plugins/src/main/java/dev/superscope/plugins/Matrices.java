package dev.superscope.plugins;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Factories for the standard {@link Matrix} implementations and the checks they share. */
public final class Matrices {
    private Matrices() {
    }

    /**
     * A matrix over bytes of a file, mapped one row block at a time: no block is larger than asked for
     * and tensors beyond 2 GiB are fine (a block, not the tensor, must fit in one mapping).
     *
     * @param channel    an open channel; it must stay open while blocks are read
     * @param file       the file, for messages
     * @param dataOffset byte offset of row 0 in the file
     */
    public static Matrix mapped(String name, DType dtype, long rows, int cols, FileChannel channel,
                                Path file, long dataOffset) {
        return new MappedMatrix(name, dtype, rows, cols, channel, file, dataOffset);
    }

    /** A matrix over a buffer already in memory (little-endian, row-major), for tests and small tensors. */
    public static Matrix ofBuffer(String name, DType dtype, long rows, int cols, ByteBuffer data) {
        return new BufferMatrix(name, dtype, rows, cols, data);
    }

    /** A float32 matrix holding a copy of {@code values} (row-major, {@code rows * cols} of them). */
    public static Matrix ofFloats(String name, int rows, int cols, float[] values) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException(values.length + " values for " + rows + " x " + cols);
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new BufferMatrix(name, DType.F32, rows, cols, b);
    }

    /**
     * {@code stored} (m x n) read as n x m, for a vocabulary matrix saved transposed: each block of rows is
     * gathered from the stored columns, streaming the stored rows, never holding the whole matrix.
     */
    public static Matrix transposed(Matrix stored) {
        return new TransposedMatrix(stored);
    }

    /** Throws unless rows {@code first .. first+count-1} lie inside {@code m}. */
    public static void checkBlock(Matrix m, long first, int count) {
        if (first < 0 || count < 0 || first > m.rows() - count) {
            throw new IndexOutOfBoundsException(
                    "rows [" + first + ", " + (first + count) + ") of " + m.rows() + " in " + m.name());
        }
    }

    static long blockBytes(Matrix m, int count) {
        long bytes = count * m.rowBytes();
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a block of " + count + " rows of " + m.name()
                    + " exceeds 2 GiB; read fewer rows at a time");
        }
        return bytes;
    }

    private record MappedMatrix(String name, DType dtype, long rows, int cols, FileChannel channel,
                                Path file, long dataOffset) implements Matrix {
        @Override
        public ByteBuffer rawRows(long first, int count) {
            checkBlock(this, first, count);
            long bytes = blockBytes(this, count);
            try {
                return channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + first * rowBytes(), bytes)
                        .order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new BadInputException(file, "cannot map rows of " + name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void release(ByteBuffer rows) {
            MappedBuffers.unmap(rows);
        }
    }

    private record BufferMatrix(String name, DType dtype, long rows, int cols, ByteBuffer data)
            implements Matrix {
        BufferMatrix {
            if (data.capacity() < rows * cols * dtype.byteSize()) {
                throw new IllegalArgumentException("buffer of " + data.capacity() + " bytes is too small for "
                        + rows + " x " + cols + " " + dtype);
            }
        }

        @Override
        public ByteBuffer rawRows(long first, int count) {
            checkBlock(this, first, count);
            int from = Math.toIntExact(first * rowBytes());
            int bytes = (int) blockBytes(this, count);
            return data.duplicate().position(from).limit(from + bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
