package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.RowDecoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * Reads a {@link Matrix} in row blocks and hands each block to the engine, classifying its rows.
 *
 * <p>F32, F16 and F64 blocks that the matrix serves as direct little-endian buffers (memory-mapped
 * files) become engine arrays without a copy: PyTorch wraps the mapped bytes ({@code from_blob}). BF16
 * is never given to the engine (a BF16 array aborts the JVM): it is widened to float32 in Java
 * ({@code bits << 16}, exact) into one reusable direct buffer. Heap-backed blocks are copied into the
 * same buffer. F16 is widened by the engine, F64 stays float64 until rows are normalised.
 *
 * <p>Row norms are summed in float64 ({@link RowSums}; exact sums of squares for float32 values: no
 * overflow, no underflow). A row whose norm comes back non-finite or zero is re-examined from its
 * bytes, so "non-finite" means some entry is NaN or infinite and "zero" means every entry is zero,
 * whatever the dtype.
 *
 * <p>A reader reuses its staging buffer: a {@link Block} it returned stays valid until its next
 * {@link #read}. Use one reader per block that must stay alive.
 */
public final class BlockReader {
    /** The most elements read per block (see {@link RowBlocks#MAX_BLOCK_ELEMENTS}). */
    public static final long MAX_BLOCK_ELEMENTS = RowBlocks.MAX_BLOCK_ELEMENTS;

    private final RowBlocks blocks;
    private final DType dtype;
    private final RowDecoder decoder;
    private final int cols;
    private ByteBuffer staging;

    /**
     * A reader of {@code matrix} in blocks of at most {@code requestedRows} rows (fewer for very wide
     * matrices, see {@link #MAX_BLOCK_ELEMENTS}).
     *
     * @throws BadInputException when the dtype cannot be analysed or the matrix has no columns
     */
    public BlockReader(Matrix matrix, int requestedRows) {
        this.blocks = new RowBlocks(matrix, requestedRows);
        this.dtype = blocks.dtype();
        this.decoder = blocks.decoder();
        this.cols = blocks.cols();
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // PyTorch's CPU builds for DJL exist only for little-endian hosts (x86-64, aarch64).
            throw new UnsupportedOperationException("the PyTorch engine needs a little-endian host");
        }
    }

    /** The blocks this reader reads (block rows, starts and lengths). */
    public RowBlocks blocks() {
        return blocks;
    }

    /** Number of blocks. */
    public int blockCount() {
        return blocks.blockCount();
    }

    /**
     * Reads block {@code index} into {@code manager}: norms and row states, and the valid rows as an
     * engine array (no copy when the block is a direct F32/F64 buffer and every row is valid).
     */
    public Block read(int index, NDManager manager) {
        long first = blocks.blockStart(index);
        int count = blocks.blockLength(index);
        ByteBuffer raw = blocks.raw(index);
        NDArray x = toEngine(raw, count, manager);
        double[] norms = RowSums.norms(x, count, cols);
        byte[] states = new byte[count];
        int valid = 0;
        for (int i = 0; i < count; i++) {
            double r = norms[i];
            if (!(Double.isFinite(r) && r > 0)) {
                states[i] = recheck(raw, i, norms);
            }
            valid += states[i] == Block.VALID ? 1 : 0;
        }
        int[] validRows = new int[valid];
        for (int i = 0, k = 0; i < count; i++) {
            if (states[i] == Block.VALID) {
                validRows[k++] = i;
            }
        }
        NDArray values = x;
        if (valid < count) {
            long[] keep = Arrays.stream(validRows).asLongStream().toArray();
            try (NDArray rows = x; NDArray index1 = manager.create(keep)) {
                values = valid == 0 ? manager.create(new Shape(0, cols), x.getDataType())
                        : rows.get(new NDIndex("{}", index1));
            }
            values.attach(manager);
        }
        return new Block(first, norms, states, validRows, values);
    }

    /** Classifies a row the engine found non-finite or zero, from its bytes; fixes its norm. */
    private byte recheck(ByteBuffer raw, int row, double[] norms) {
        int size = dtype.byteSize();
        int base = row * cols * size;
        double largest = 0;
        for (int j = 0; j < cols; j++) {
            double v = decoder.get(raw, base + j * size);
            if (!Double.isFinite(v)) {
                norms[row] = Double.NaN;
                return Block.NONFINITE;
            }
            largest = Math.max(largest, Math.abs(v));
        }
        if (largest == 0) {
            norms[row] = 0;
            return Block.ZERO;
        }
        // Finite but the float64 sum of squares over- or underflowed (only possible for F64 input):
        // scale by the largest magnitude first.
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            double v = decoder.get(raw, base + j * size) / largest;
            sum += v * v;
        }
        norms[row] = largest * Math.sqrt(sum);
        return Block.VALID;
    }

    private NDArray toEngine(ByteBuffer raw, int count, NDManager manager) {
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
                return manager.create(widenBf16(raw, count * cols), shape, DataType.FLOAT32);
            default:
                throw new BadInputException(null, "matrix " + blocks.matrix().name() + ": dtype " + dtype
                        + " cannot be analysed");
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
        ShortBuffer src = raw.duplicate().position(0).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        IntBuffer out = dst.asIntBuffer();
        for (int k = 0; k < elements; k++) {
            out.put(k, (src.get(k) & 0xFFFF) << 16);
        }
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
