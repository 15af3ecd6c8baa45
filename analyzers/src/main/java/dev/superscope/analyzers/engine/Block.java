package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * One row block of a matrix as the engine sees it: every row's L2 norm and state, and the valid rows
 * (finite, non-zero) as an engine array. A block belongs to the {@link NDManager} it was read into and
 * to its {@link BlockReader}: it is usable until that manager closes or the reader reads again.
 */
public final class Block {
    /** Row state: finite with a positive norm. */
    public static final byte VALID = 0;
    /** Row state: every entry is zero. */
    public static final byte ZERO = 1;
    /** Row state: at least one entry is NaN or infinite. */
    public static final byte NONFINITE = 2;

    private final long first;
    private final double[] norms;
    private final byte[] states;
    private final int[] validRows;
    private final NDArray values;

    Block(long first, double[] norms, byte[] states, int[] validRows, NDArray values) {
        this.first = first;
        this.norms = norms;
        this.states = states;
        this.validRows = validRows;
        this.values = values;
    }

    /** Index of the block's first row in the matrix. */
    public long first() {
        return first;
    }

    /** Rows in the block. */
    public int count() {
        return norms.length;
    }

    /** L2 norm of row {@code row} of the block (float64, exact for float32 inputs); NaN when non-finite. */
    public double norm(int row) {
        return norms[row];
    }

    /** {@link #VALID}, {@link #ZERO} or {@link #NONFINITE}. */
    public byte state(int row) {
        return states[row];
    }

    /** Number of valid rows. */
    public int validCount() {
        return validRows.length;
    }

    /** The block-local index of the {@code k}-th valid row. */
    public int validRow(int k) {
        return validRows[k];
    }

    /** Rows with a non-finite entry. */
    public int nonFiniteCount() {
        int c = 0;
        for (byte s : states) {
            c += s == NONFINITE ? 1 : 0;
        }
        return c;
    }

    /** Rows that are all zero. */
    public int zeroCount() {
        int c = 0;
        for (byte s : states) {
            c += s == ZERO ? 1 : 0;
        }
        return c;
    }

    /**
     * The valid rows, in order, as a {@code validCount x m} array: FLOAT32 for F32/F16/BF16 matrices,
     * FLOAT64 for F64 ones. Do not close it; it goes with the block's manager.
     */
    public NDArray values() {
        return values;
    }

    /** The norms of the valid rows, in order. */
    public double[] validNorms() {
        double[] out = new double[validRows.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = norms[validRows[k]];
        }
        return out;
    }

    /**
     * The valid rows divided by their norms, u_i = w_i / r_i, as a new FLOAT32 array attached to
     * {@code manager}. F64 matrices are scaled in float64 first, so rows too large for float32 still
     * become unit vectors.
     */
    public NDArray unitRows(NDManager manager) {
        int k = validRows.length;
        double[] inverse = new double[k];
        for (int i = 0; i < k; i++) {
            inverse[i] = 1.0 / norms[validRows[i]];
        }
        NDArray scale;
        if (values.getDataType() == DataType.FLOAT64) {
            scale = manager.create(inverse).reshape(k, 1);
        } else {
            float[] f = new float[k];
            for (int i = 0; i < k; i++) {
                f[i] = (float) inverse[i];
            }
            scale = manager.create(f).reshape(k, 1);
        }
        NDArray scaled;
        try (NDArray s = scale) {
            scaled = values.mul(s);
        }
        if (scaled.getDataType() != DataType.FLOAT32) {
            try (NDArray wide = scaled) {
                scaled = wide.toType(DataType.FLOAT32, false);
            }
        }
        scaled.attach(manager);
        return scaled;
    }
}
