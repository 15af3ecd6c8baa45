package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import org.bytedeco.javacpp.FloatPointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A row block as OpenBLAS reads it: the caller's own memory when the block is a direct buffer (a
 * memory-mapped F32 slice reads straight from the page cache), else a copy in native memory owned by
 * the scope that made it.
 */
final class BlasRows implements DeviceRows {
    private final BlasScope scope;
    /** Held so that the memory {@link #pointer} reads stays reachable while this view is. */
    private final FloatRows source;
    private final FloatPointer pointer;
    private final FloatBuffer values;
    private final boolean copied;

    private BlasRows(BlasScope scope, FloatRows source, FloatPointer pointer, FloatBuffer values, boolean copied) {
        this.scope = scope;
        this.source = source;
        this.pointer = pointer;
        this.values = values;
        this.copied = copied;
    }

    /** A view of {@code block} (direct) or a copy of it (heap) belonging to {@code scope}. */
    static BlasRows of(FloatRows block, BlasScope scope) {
        int count = Math.toIntExact((long) block.rows() * block.cols());
        // FloatRows promises the block starts at position 0, whatever the buffer's position is now.
        ByteBuffer bytes = block.data().duplicate().order(ByteOrder.nativeOrder()).position(0).limit(count * Float.BYTES);
        FloatBuffer floats = bytes.slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (count == 0) {
            return new BlasRows(scope, block, null, floats, false);
        }
        if (bytes.isDirect()) {
            return new BlasRows(scope, block, new FloatPointer(floats), floats, false);
        }
        NativeAllocation copy = scope.allocateFloats(count, "a copy of a " + block.rows() + " x " + block.cols() + " block");
        FloatBuffer target = copy.floatBuffer(count);
        target.put(floats);
        target.position(0);
        return new BlasRows(scope, block, copy.floatPointer(), target, true);
    }

    @Override
    public int rows() {
        return source.rows();
    }

    @Override
    public int cols() {
        return source.cols();
    }

    /** The rows for a BLAS call (null for an empty block). */
    FloatPointer pointer() {
        scope.checkOpen();
        return pointer;
    }

    /** The rows for Java loops: rows x cols floats from index 0 (absolute reads only). */
    FloatBuffer values() {
        scope.checkOpen();
        return values;
    }

    /** Native address of the first value (0 for an empty block). */
    long address() {
        return pointer == null ? 0 : pointer.address();
    }

    /** Whether the rows were copied (a heap block) rather than used where they lie. */
    boolean copied() {
        return copied;
    }

    BlasScope scope() {
        return scope;
    }
}
