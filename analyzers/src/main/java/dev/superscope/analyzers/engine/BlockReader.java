package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.RowDecoder;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads a {@link Matrix} in row blocks and hands each block to the engine, classifying its rows.
 *
 * <p>Each block becomes an engine array through {@link BlockArrays} (the mapped bytes wrapped where the
 * engine can, BF16 widened in Java); F64 stays float64 until rows are normalised.
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
    private final BlockArrays arrays;

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
        this.arrays = new BlockArrays(dtype, cols, matrix.name());
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
        NDArray x = arrays.of(raw, count, manager);
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
}
