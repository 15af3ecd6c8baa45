package dev.superscope.plugins.compute;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A row-major block of float32 rows in native byte order, starting at position 0 of {@code data}:
 * {@code rows * cols * 4} bytes. A direct buffer (a slice of a memory-mapped F32 tensor, or a
 * buffer the analyzers filled) lets CPU backends compute on it without a copy.
 *
 * @param data the values
 * @param rows rows in the block (may be 0)
 * @param cols values per row (at least 1)
 */
public record FloatRows(ByteBuffer data, int rows, int cols) {

    public FloatRows {
        if (rows < 0 || cols < 1) {
            throw new IllegalArgumentException("a block needs rows >= 0 and cols >= 1, not " + rows + " x " + cols);
        }
        long bytes = (long) rows * cols * Float.BYTES;
        if (data.capacity() < bytes) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " block needs " + bytes
                    + " bytes, the buffer holds " + data.capacity());
        }
        if (data.order() != ByteOrder.nativeOrder()) {
            data = data.duplicate().order(ByteOrder.nativeOrder());
        }
    }

    /** Bytes of the block. */
    public long byteSize() {
        return (long) rows * cols * Float.BYTES;
    }

    /** The values as a new array (for small blocks and tests). */
    public float[] toArray() {
        float[] out = new float[Math.toIntExact((long) rows * cols)];
        data.duplicate().order(ByteOrder.nativeOrder()).position(0).asFloatBuffer().get(out);
        return out;
    }

    /** A direct block holding a copy of {@code values} (rows x cols). */
    public static FloatRows of(float[] values, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(Float.BYTES, values.length * Float.BYTES))
                .order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return new FloatRows(b, rows, cols);
    }
}
