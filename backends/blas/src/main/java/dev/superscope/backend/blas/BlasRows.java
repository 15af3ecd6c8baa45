package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * A row block as OpenBLAS reads it: the caller's own memory when the block is a direct buffer (a
 * memory-mapped F32 slice reads straight from the page cache), else a copy in native memory owned by
 * the scope that made it. Under {@code --precision bf16} the block is instead rounded to a bfloat16
 * copy in native memory, the input of oneDNN's BF16 products ({@link #bf16Pointer()}).
 */
final class BlasRows implements DeviceRows {
    private final BlasScope scope;
    /** Held so that the memory {@link #pointer} reads stays reachable while this view is. */
    private final FloatRows source;
    private final FloatPointer pointer;
    private final FloatBuffer values;
    /** The rows rounded to bfloat16 (bf16 precision only; else null). */
    private final NativeAllocation bf16;

    private BlasRows(BlasScope scope, FloatRows source, FloatPointer pointer, FloatBuffer values, NativeAllocation bf16) {
        this.scope = scope;
        this.source = source;
        this.pointer = pointer;
        this.values = values;
        this.bf16 = bf16;
    }

    /** A view of {@code block} (direct) or a copy of it (heap) belonging to {@code scope}. */
    static BlasRows of(FloatRows block, BlasScope scope) {
        int count = Math.toIntExact((long) block.rows() * block.cols());
        // FloatRows promises the block starts at position 0, whatever the buffer's position is now.
        ByteBuffer bytes = block.data().duplicate().order(ByteOrder.nativeOrder()).position(0).limit(count * Float.BYTES);
        FloatBuffer floats = bytes.slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (count == 0) {
            return new BlasRows(scope, block, null, floats, null);
        }
        if (scope.bf16()) {
            NativeAllocation rounded = scope.allocateBfloat16s(count, "a bf16 copy of a " + block.rows() + " x " + block.cols() + " block");
            Bfloat16.round(floats, rounded.shortBuffer(count), count);
            return new BlasRows(scope, block, null, null, rounded);
        }
        if (bytes.isDirect()) {
            return new BlasRows(scope, block, new FloatPointer(floats), floats, null);
        }
        NativeAllocation copy = scope.allocateFloats(count, "a copy of a " + block.rows() + " x " + block.cols() + " block");
        FloatBuffer target = copy.floatBuffer(count);
        target.put(floats);
        target.position(0);
        return new BlasRows(scope, block, copy.floatPointer(), target, null);
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
        checkFloat32();
        return pointer;
    }

    /** The rows for Java loops: rows x cols floats from index 0 (absolute reads only). */
    FloatBuffer values() {
        scope.checkOpen();
        checkFloat32();
        return values;
    }

    /** Whether the rows are held as bfloat16 (the bf16 precision); then only the bf16 accessors apply. */
    boolean isBf16() {
        return bf16 != null;
    }

    /** The rows rounded to bfloat16, for oneDNN (bf16 rows only). */
    ShortPointer bf16Pointer() {
        scope.checkOpen();
        return bf16OrThrow().shortPointer();
    }

    /** The rows rounded to bfloat16 for Java loops: rows x cols values from index 0 (bf16 rows only). */
    ShortBuffer bf16Values() {
        scope.checkOpen();
        return bf16OrThrow().shortBuffer(Math.toIntExact((long) rows() * cols()));
    }

    private NativeAllocation bf16OrThrow() {
        if (bf16 == null) {
            throw new IllegalStateException("float32 rows have no bfloat16 copy");
        }
        return bf16;
    }

    private void checkFloat32() {
        if (bf16 != null) {
            throw new IllegalStateException("rows rounded to bfloat16 are multiplied by oneDNN, not OpenBLAS");
        }
    }

    /** Native address of the first value (0 for an empty block). */
    long address() {
        if (bf16 != null) {
            return bf16.address();
        }
        return pointer == null ? 0 : pointer.address();
    }

    /** Whether the rows were copied (a heap block, or rounded to bfloat16) rather than used where they lie. */
    boolean copied() {
        return bf16 != null || (pointer != null && !source.data().isDirect());
    }

    BlasScope scope() {
        return scope;
    }
}
