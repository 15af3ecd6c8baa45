package dev.superscope.plugins;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A matrix stored m x n read as n x m: row i of this view is column i of the stored matrix, for a
 * vocabulary matrix saved the other way round (a {@code Linear(vocab, hidden)} weight, or a head written
 * as m x n by a non-PyTorch tool).
 *
 * <p>Nothing is materialised: a block of view rows is gathered by streaming the stored rows in blocks of
 * at most {@link #STORED_BLOCK_BYTES} and copying the block's columns out of each, element by element in
 * the stored dtype (no decoding, so F16 and BF16 stay as they are). Memory is the block asked for plus one
 * stored block. Every block read streams the whole stored matrix once, so reading all n rows in blocks of
 * b costs n / b passes over the file: fine for the block sizes the analyzers use, slow for row-by-row access.
 */
final class TransposedMatrix implements Matrix {
    /** The most bytes of stored rows held at once while gathering a block. */
    static final long STORED_BLOCK_BYTES = 16L << 20;

    private final Matrix stored;

    TransposedMatrix(Matrix stored) {
        if (stored.rows() > Integer.MAX_VALUE) {
            throw new BadInputException(null, "tensor " + stored.name() + " has " + stored.rows()
                    + " rows; transposed, they would be more than " + Integer.MAX_VALUE + " columns");
        }
        this.stored = stored;
    }

    @Override
    public String name() {
        return stored.name();
    }

    @Override
    public DType dtype() {
        return stored.dtype();
    }

    @Override
    public long rows() {
        return stored.cols();
    }

    @Override
    public int cols() {
        return (int) stored.rows();
    }

    @Override
    public ByteBuffer rawRows(long first, int count) {
        Matrices.checkBlock(this, first, count);
        int size = dtype().byteSize();
        long storedRows = stored.rows();
        int storedCols = stored.cols();
        ByteBuffer out = ByteBuffer.allocate((int) Matrices.blockBytes(this, count)).order(ByteOrder.LITTLE_ENDIAN);
        int chunk = (int) Math.max(1, Math.min(storedRows, STORED_BLOCK_BYTES / Math.max(1, stored.rowBytes())));
        for (long r0 = 0; r0 < storedRows; r0 += chunk) {
            int k = (int) Math.min(chunk, storedRows - r0);
            ByteBuffer block = stored.rawRows(r0, k).order(ByteOrder.LITTLE_ENDIAN);
            try {
                for (int r = 0; r < k; r++) {
                    long from = ((long) r * storedCols + first) * size;
                    for (int v = 0; v < count; v++) {
                        int src = (int) (from + (long) v * size);
                        int dst = (int) (((long) v * storedRows + r0 + r) * size);
                        copyElement(block, src, out, dst, size);
                    }
                }
            } finally {
                stored.release(block);
            }
        }
        return out;
    }

    private static void copyElement(ByteBuffer from, int src, ByteBuffer to, int dst, int size) {
        switch (size) {
            case 2 -> to.putShort(dst, from.getShort(src));
            case 4 -> to.putInt(dst, from.getInt(src));
            case 8 -> to.putLong(dst, from.getLong(src));
            default -> {
                for (int b = 0; b < size; b++) {
                    to.put(dst + b, from.get(src + b));
                }
            }
        }
    }
}
