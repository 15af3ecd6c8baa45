package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * G = sum_i u_i u_i^T over row blocks: each block's U^T U is one float32 GEMM in the engine, added
 * into an m x m float64 sum that stays in the engine. Only scalars are read back.
 */
public final class GramAccumulator implements AutoCloseable {
    private final NDArray sum;
    private long rows;

    /** An empty m x m sum in {@code manager}. */
    public GramAccumulator(NDManager manager, int m) {
        this.sum = manager.zeros(new Shape(m, m), DataType.FLOAT64);
    }

    /** Adds U^T U for the FLOAT32 rows {@code unitRows} (k x m). */
    public void add(NDArray unitRows) {
        long k = unitRows.getShape().get(0);
        if (k == 0) {
            return;
        }
        try (NDArray t = unitRows.transpose(); NDArray product = t.matMul(unitRows)) {
            sum.addi(product);
        }
        rows += k;
    }

    /** Rows added so far. */
    public long rows() {
        return rows;
    }

    /** ||G||_F^2, in float64. */
    public double frobeniusSquared() {
        try (NDArray norm = sum.norm()) {
            double f = norm.getDouble();
            return f * f;
        }
    }

    /** G rounded to float32, as a new array in the sum's manager (for products with float32 blocks). */
    public NDArray toFloat32() {
        return sum.toType(DataType.FLOAT32, true);
    }

    /** G itself (float64, m x m); do not close it. */
    public NDArray sum() {
        return sum;
    }

    @Override
    public void close() {
        sum.close();
    }
}
