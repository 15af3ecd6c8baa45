package dev.superscope.examples.bloom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * BLOOM's position scheme, ALiBi (Press et al., arXiv 2108.12409), as transformers'
 * {@code build_alibi_tensor} makes it: head h adds {@code slope_h * j} to its score for key position j.
 * That is the paper's {@code -slope_h * (i - j)} shifted by a constant per query row, which softmax
 * ignores, so no query position enters.
 *
 * <p>transformers computes the slopes and the products in float32 whatever the model's precision, then
 * casts them; this does the same (Java's float arithmetic rounds as torch's does), so a float64 pass sees
 * the same biases as transformers' float64 pass.
 */
final class Alibi {
    private Alibi() {
    }

    /**
     * The slopes of {@code heads} heads. With {@code p} the largest power of two not above {@code heads},
     * the first p slopes are {@code b^1 .. b^p} for {@code b = 2^(-8/p)}; a head count that is not a power
     * of two takes the rest from the table of {@code 2p} heads, {@code b'^1, b'^3, b'^5, ...} for
     * {@code b' = 2^(-4/p)}.
     */
    static float[] slopes(int heads) {
        int closest = Integer.highestOneBit(heads);
        float[] slopes = new float[heads];
        float base = base(closest);
        for (int k = 1; k <= closest; k++) {
            slopes[k - 1] = (float) Math.pow(base, k);
        }
        float extraBase = base(2 * closest);
        for (int i = 0; i < heads - closest; i++) {
            slopes[closest + i] = (float) Math.pow(extraBase, 2 * i + 1);
        }
        return slopes;
    }

    /** {@code 2^(-(2^-(log2(n) - 3)))} = {@code 2^(-8/n)} for a power of two n, rounded to float32. */
    private static float base(int powerOfTwo) {
        int log2 = Integer.numberOfTrailingZeros(powerOfTwo);
        return (float) Math.pow(2, -Math.pow(2, -(log2 - 3)));
    }

    /** The biases {@code [heads, 1, length]}: {@code slope_h * j} in float32, as an array of {@code type}. */
    static NDArray bias(NDManager manager, float[] slopes, int length, DataType type) {
        double[] bias = new double[slopes.length * length];
        for (int h = 0; h < slopes.length; h++) {
            for (int j = 0; j < length; j++) {
                bias[h * length + j] = slopes[h] * (float) j;
            }
        }
        return manager.create(bias, new Shape(slopes.length, 1, length)).toType(type, false);
    }
}
