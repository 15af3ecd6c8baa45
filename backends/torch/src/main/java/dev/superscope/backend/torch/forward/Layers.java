package dev.superscope.backend.torch.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.function.UnaryOperator;

/**
 * The building blocks every architecture shares, as transformers computes them. Activations are
 * {@code [T, width]} for one sequence of T tokens; attention works on {@code [heads, T, headDim]}.
 */
public final class Layers {
    private Layers() {
    }

    /** {@code x W^T + b} for a {@code torch.nn.Linear} weight {@code [out, in]}; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = x.matMul(weight.transpose());
        return bias == null ? y : y.add(bias);
    }

    /** {@code x W + b} for GPT-2's {@code Conv1D}, whose weight is stored {@code [in, out]}. */
    public static NDArray conv1d(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = x.matMul(weight);
        return bias == null ? y : y.add(bias);
    }

    /**
     * The two-layer MLP {@code down(act(up(x)))} of {@code torch.nn.Linear} layers; biases may be null.
     */
    public static NDArray feedForward(NDArray x, NDArray upWeight, NDArray upBias, UnaryOperator<NDArray> activation,
                                      NDArray downWeight, NDArray downBias) {
        return linear(activation.apply(linear(x, upWeight, upBias)), downWeight, downBias);
    }

    /**
     * {@code torch.nn.LayerNorm} over the last axis: {@code (x - mean) / sqrt(var + eps) * w + b} with the
     * biased variance; {@code weight} and {@code bias} may be null (no elementwise affine).
     */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray variance = centred.square().mean(new int[] {-1}, true);
        NDArray y = centred.div(variance.add(eps).sqrt());
        if (weight != null) {
            y = y.mul(weight);
        }
        return bias == null ? y : y.add(bias);
    }

    /** Llama's RMSNorm: {@code w * x / sqrt(mean(x^2) + eps)} over the last axis. */
    public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray y = x.div(x.square().mean(new int[] {-1}, true).add(eps).sqrt());
        return weight == null ? y : y.mul(weight);
    }

    /** The token embedding: rows {@code ids} of {@code table}. */
    public static NDArray embed(NDArray table, long[] ids) {
        NDArray index = table.getManager().create(ids);
        return table.get(new NDIndex("{}", index));
    }

    /**
     * Positions {@code offset .. offset + length - 1}: the rows of a learned position table that a
     * sequence of {@code length} tokens reads.
     */
    public static long[] positions(int length, int offset) {
        long[] pos = new long[length];
        for (int i = 0; i < length; i++) {
            pos[i] = i + offset;
        }
        return pos;
    }

    /** A {@code torch.nn.Linear} projection of {@code [T, in]} split into heads {@code [heads, T, headDim]}. */
    public static NDArray projectHeads(NDArray x, NDArray weight, NDArray bias, int heads, int headDim) {
        return splitHeads(linear(x, weight, bias), heads, headDim);
    }

    /** {@code [T, heads * headDim]} to {@code [heads, T, headDim]}. */
    public static NDArray splitHeads(NDArray x, int heads, int headDim) {
        long t = x.getShape().get(0);
        return x.reshape(t, heads, headDim).transpose(1, 0, 2);
    }

    /** {@code [heads, T, headDim]} to {@code [T, heads * headDim]}. */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(1, 0, 2).reshape(s.get(1), s.get(0) * s.get(2));
    }

    /**
     * The additive causal mask {@code [T, T]}: 0 where query i may see key j (j <= i, and
     * {@code i - j < slidingWindow} when a window is given), minus infinity elsewhere.
     *
     * @param slidingWindow the window, or 0 for none
     */
    public static NDArray causalMask(NDManager manager, int length, int slidingWindow, DataType type) {
        double[] mask = new double[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = 0; j < length; j++) {
                boolean visible = j <= i && (slidingWindow <= 0 || i - j < slidingWindow);
                mask[i * length + j] = visible ? 0 : Double.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(length, length)).toType(type, false);
    }

    /**
     * Scaled dot-product attention: {@code softmax(q k^T * scale + mask) v}. Grouped-query attention
     * shares each of the {@code kvHeads} key/value heads among {@code heads / kvHeads} consecutive query
     * heads, as transformers' {@code repeat_kv} does.
     *
     * @param q    [heads, T, d]
     * @param k    [kvHeads, T, d]
     * @param v    [kvHeads, T, d]
     * @param mask any additive term that broadcasts to the scores {@code [heads, T, T]}: the causal mask
     *             {@code [T, T]}, or the mask plus a per-head position bias such as ALiBi's
     * @return [heads, T, d]
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
        long groups = q.getShape().get(0) / k.getShape().get(0);
        if (groups > 1) {
            k = k.repeat(0, groups);
            v = v.repeat(0, groups);
        }
        NDArray scores = q.matMul(k.transpose(0, 2, 1)).mul(scale).add(mask);
        return scores.softmax(-1).matMul(v);
    }

    /**
     * {@link #attention} with its heads merged back: {@code [T, heads * d]}, ready for the output
     * projection.
     */
    public static NDArray multiHeadAttention(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
        return mergeHeads(attention(q, k, v, mask, scale));
    }

    /** Columns {@code from .. to-1} of the last axis of a 3-D array. */
    public static NDArray lastAxis(NDArray x, long from, long to) {
        return x.get(new NDIndex(":, :, " + from + ":" + to));
    }
}
