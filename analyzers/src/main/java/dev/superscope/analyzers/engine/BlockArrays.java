package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * A row block's bytes as an engine array: FLOAT32 for F32, F16 and BF16 blocks, FLOAT64 for F64 ones.
 *
 * <p>Direct little-endian blocks (memory-mapped files) of F32, F16 and F64 are wrapped without a copy
 * (PyTorch's {@code from_blob}); F16 is then widened by the engine. BF16 is never given to the engine (a
 * BF16 array aborts the JVM): it is widened in Java ({@code bits << 16}, exact) into one reusable direct
 * buffer, over every core. Heap blocks are copied into the same buffer. An array is therefore valid until
 * the next call, and while the block it wraps is mapped.
 */
public final class BlockArrays {
    private final DType dtype;
    private final int cols;
    private final String matrixName;
    private ByteBuffer staging;

    /** Arrays of {@code cols}-wide blocks of {@code dtype}, for messages about the matrix {@code matrixName}. */
    public BlockArrays(DType dtype, int cols, String matrixName) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // PyTorch's CPU builds for DJL exist only for little-endian hosts (x86-64, aarch64).
            throw new UnsupportedOperationException("the PyTorch engine needs a little-endian host");
        }
        this.dtype = dtype;
        this.cols = cols;
        this.matrixName = matrixName;
    }

    /**
     * The {@code count} rows of {@code raw} as a {@code count x cols} array in {@code manager}.
     *
     * @throws BadInputException when the dtype cannot be analysed
     */
    public NDArray of(ByteBuffer raw, int count, NDManager manager) {
        Shape shape = new Shape(count, cols);
        int bytes = Math.multiplyExact(count, cols * dtype.byteSize());
        switch (dtype) {
            case F32:
                return manager.create(direct(raw, bytes), shape, DataType.FLOAT32);
            case F64:
                return manager.create(direct(raw, bytes), shape, DataType.FLOAT64);
            case F16:
                try (NDArray half = manager.create(direct(raw, bytes), shape, DataType.FLOAT16)) {
                    return half.toType(DataType.FLOAT32, false);
                }
            case BF16:
                return manager.create(widenBf16(raw, Math.multiplyExact(count, cols)), shape, DataType.FLOAT32);
            default:
                throw new BadInputException(null, "matrix " + matrixName + ": dtype " + dtype + " cannot be analysed");
        }
    }

    /** The block itself when the engine can wrap it, else a copy in the staging buffer. */
    private ByteBuffer direct(ByteBuffer raw, int bytes) {
        ByteBuffer exact = raw.duplicate().position(0).limit(bytes).slice();
        if (exact.isDirect()) {
            return exact;
        }
        ByteBuffer dst = staging(bytes);
        dst.put(exact);
        return dst.flip();
    }

    /** bfloat16 is the upper half of a float32: widening is a shift and exact. */
    private ByteBuffer widenBf16(ByteBuffer raw, int elements) {
        ByteBuffer dst = staging(Math.multiplyExact(elements, 4));
        int rows = elements / cols;
        int ranges = RowBlocks.ranges(rows);
        RowBlocks.forRanges(rows, ranges, p -> {
            ShortBuffer src = raw.duplicate().position(0).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            IntBuffer out = dst.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer();
            int end = RowBlocks.rangeStart(rows, ranges, p + 1) * cols;
            for (int k = RowBlocks.rangeStart(rows, ranges, p) * cols; k < end; k++) {
                out.put(k, (src.get(k) & 0xFFFF) << 16);
            }
        });
        return dst.limit(elements * 4);
    }

    /** The reusable staging buffer, cleared and big enough for {@code bytes}. */
    private ByteBuffer staging(int bytes) {
        if (staging == null || staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect(Math.max(bytes, 1)).order(ByteOrder.nativeOrder());
        }
        ByteBuffer b = staging.duplicate().order(ByteOrder.nativeOrder());
        b.clear().limit(bytes);
        return b.slice().order(ByteOrder.nativeOrder());
    }
}
