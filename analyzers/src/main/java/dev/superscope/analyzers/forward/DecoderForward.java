package dev.superscope.analyzers.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.superscope.plugins.SuperscopeException;

/**
 * What every architecture's forward pass shares: the checks on the token ids, a scope that frees the
 * pass's intermediate arrays, and reading the logits back. Subclasses load their weights in their
 * constructor and implement {@link #forward}.
 */
public abstract class DecoderForward implements ForwardModel {
    private final String architecture;
    /** The checkpoint's weights in the working precision. */
    protected final Weights weights;

    protected DecoderForward(String architecture, Weights weights) {
        this.architecture = architecture;
        this.weights = weights;
    }

    @Override
    public final String architecture() {
        return architecture;
    }

    @Override
    public int maxPositions() {
        return -1;
    }

    /** The logits {@code [T, vocab rows of the head]} for valid {@code ids}, in the working precision. */
    protected abstract NDArray forward(long[] ids);

    @Override
    public final double[][] logits(long[] ids) {
        checkIds(ids);
        try (NDScope scope = new NDScope()) {
            NDArray out = forward(ids);
            int rows = (int) out.getShape().get(0);
            int cols = (int) out.getShape().get(1);
            double[] flat = out.toType(DataType.FLOAT64, false).toDoubleArray();
            double[][] logits = new double[rows][cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(flat, r * cols, logits[r], 0, cols);
            }
            return logits;
        } catch (SuperscopeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SuperscopeException(1, architecture + " forward pass failed in the engine: "
                    + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "), e);
        }
    }

    private void checkIds(long[] ids) {
        if (ids.length == 0) {
            throw new SuperscopeException(SuperscopeException.USAGE, "no token ids given");
        }
        if (maxPositions() > 0 && ids.length > maxPositions()) {
            throw new SuperscopeException(SuperscopeException.USAGE, ids.length + " token ids exceed the "
                    + maxPositions() + " positions of this " + architecture + " model");
        }
        long vocab = vocabSize();
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new SuperscopeException(SuperscopeException.USAGE, "token id " + id
                        + " is outside the vocabulary of " + vocab + " tokens (valid ids: 0.." + (vocab - 1) + ")");
            }
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
