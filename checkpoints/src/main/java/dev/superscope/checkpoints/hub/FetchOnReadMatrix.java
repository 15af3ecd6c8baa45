package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * A matrix whose bytes are fetched the first time rows are read, so that opening a model (which asks
 * for its matrices) and {@code inspect} cost headers only, and {@code analyze} pays for what it reads.
 */
final class FetchOnReadMatrix implements Matrix {
    private final String name;
    private final DType dtype;
    private final long rows;
    private final int cols;
    private final Supplier<Matrix> fetch;
    private volatile Matrix fetched;

    FetchOnReadMatrix(String name, DType dtype, long rows, int cols, Supplier<Matrix> fetch) {
        this.name = name;
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
        this.fetch = fetch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public ByteBuffer rawRows(long first, int count) {
        Matrix m = fetched;
        if (m == null) {
            synchronized (this) {
                if (fetched == null) {
                    fetched = fetch.get();
                }
                m = fetched;
            }
        }
        return m.rawRows(first, count);
    }

    @Override
    public void release(ByteBuffer rows) {
        Matrix m = fetched;
        if (m != null) {
            m.release(rows);
        }
    }
}
