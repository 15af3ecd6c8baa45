package dev.superscope.plugins.compute;

/**
 * Owns what a backend allocates for a stretch of work, as DJL's {@code NDManager} does: closing a scope
 * frees everything made in it and in its children (device copies of rows, Gram sums, tiles), so a
 * loop body that opens a child scope per block frees each block's memory when the block is done.
 * Not thread-safe: use one scope tree per thread.
 */
public interface ComputeScope extends AutoCloseable {

    /** A scope whose contents are freed when it closes, or when this scope does. */
    ComputeScope newChild();

    /**
     * The backend's view of a float32 row block: on a CPU backend the same memory where the block is a
     * direct buffer (no copy), on a GPU a device copy; under {@link ComputePrecision#BF16} the rows are
     * rounded to bfloat16. The block must not change while the view is in use.
     */
    DeviceRows rows(FloatRows block);

    /** An empty m x m Gram sum. */
    GramSum newGram(int cols);

    /** A buffer for products of up to {@code maxRows} x {@code maxCols} rows. */
    Tile newTile(int maxRows, int maxCols);

    @Override
    void close();
}
