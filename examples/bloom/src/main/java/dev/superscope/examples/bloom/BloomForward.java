package dev.superscope.examples.bloom;

import ai.djl.ndarray.NDArray;
import dev.superscope.backend.torch.forward.DecoderForward;
import dev.superscope.backend.torch.forward.Layers;
import dev.superscope.backend.torch.forward.Weights;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.architecture.ForwardSettings;

/**
 * BLOOM as transformers' {@code BloomForCausalLM} (modeling_bloom.py) computes it:
 * {@code word_embeddings}, then {@code word_embeddings_layernorm}; per block
 * <pre>
 *   x = input_layernorm(h);             r = apply_residual_connection_post_layernorm ? x : h
 *   a = dense(attention(x)) + r
 *   y = post_attention_layernorm(a);    r = apply_residual_connection_post_layernorm ? y : a
 *   h = dense_4h_to_h(bloom_gelu(dense_h_to_4h(y))) + r
 * </pre>
 * then {@code ln_f} and the LM head (the word embeddings unless {@code tie_word_embeddings} is false).
 * Attention reads q, k and v from one fused {@code query_key_value} projection whose output is viewed as
 * {@code (T, heads, 3, headDim)}: each head's q, k and v are consecutive blocks of its own, not three
 * blocks of all heads. Scores are {@code q.k / sqrt(headDim)} plus the {@link Alibi} bias, causally
 * masked; there is no position table, so sequences of any length are accepted.
 *
 * <p>With {@code pretraining_tp > 1} and {@code slow_but_exact}, transformers sums the two output
 * projections ({@code dense}, {@code dense_4h_to_h}) over {@code pretraining_tp} slices of their input
 * with {@code F.linear} and no bias, so their biases drop out; this does the same. Without
 * {@code slow_but_exact} the flag changes nothing.
 *
 * <p>One deliberate difference: transformers takes the attention softmax in float32 even in a float64
 * model (an upcast meant for half precision); a float64 pass here keeps it in float64, so it computes
 * the model rather than that rounding. The rounding moves the logits by well under 1e-6 of their scale
 * (6.5e-8 on the random test models; against transformers' own float64 logits of the sliced bloom-560m
 * fixture this pass is off by 4e-9), far inside the 1e-4 forward passes are checked to.
 * Tensor names may carry the {@code transformer.} prefix or not.
 */
public final class BloomForward extends DecoderForward {
    /** transformers' {@code bloom_gelu_forward} constant, a rounded sqrt(2/pi): kept as BLOOM uses it. */
    private static final double GELU_SCALE = 0.79788456;

    private record Block(NDArray ln1w, NDArray ln1b, NDArray qkvW, NDArray qkvB, NDArray denseW, NDArray denseB,
                         NDArray ln2w, NDArray ln2b, NDArray upW, NDArray upB, NDArray downW, NDArray downB) {
    }

    private final BloomSettings bloom;
    private final float[] slopes;
    private final NDArray embeddingNormW;
    private final NDArray embeddingNormB;
    private final NDArray finalNormW;
    private final NDArray finalNormB;
    private final NDArray head;

    /**
     * Reads the embeddings, their norm, the final norm and the head into the engine, and checks every
     * block's weights, which a pass reads one block at a time.
     *
     * @throws BadInputException when the config is unusable or a tensor is missing or misshapen
     */
    public BloomForward(ModelConfig config, TensorStore tensors, ForwardSettings settings) {
        super("bloom", new Weights(tensors, settings));
        try {
            bloom = BloomSettings.of(config);
            slopes = Alibi.slopes(bloom.heads());
            int width = bloom.width();
            String name = weights.firstPresent("word embeddings", BloomArchitecture.SPEC.embeddingNames()
                    .toArray(String[]::new));
            String p = name.substring(0, name.length() - "word_embeddings.weight".length());
            NDArray embeddings = readTokenEmbedding(name);
            if (embeddings.getShape().dimension() != 2 || embeddings.getShape().get(1) != width) {
                throw new BadInputException(config.source(), "hidden size " + width
                        + " disagrees with word_embeddings of shape " + embeddings.getShape());
            }
            embeddingNormW = weights.get(p + "word_embeddings_layernorm.weight", width);
            embeddingNormB = weights.get(p + "word_embeddings_layernorm.bias", width);
            declareLayers(p + "h.", bloom.layers(), this::block);
            finalNormW = weights.get(p + "ln_f.weight", width);
            finalNormB = weights.get(p + "ln_f.bias", width);
            head = lmHead(config, true, "lm_head.weight");
            if (head.getShape().dimension() != 2 || head.getShape().get(1) != width) {
                throw new BadInputException(config.source(), "hidden size " + width
                        + " disagrees with lm_head of shape " + head.getShape());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Block {@code i}'s weights (read now, or only checked inside {@link Weights#checkOnly}). */
    private Block block(int i) {
        String b = layerPrefix(i);
        String a = b + "self_attention.";
        String m = b + "mlp.";
        long w = bloom.width();
        return new Block(
                weights.get(b + "input_layernorm.weight", w), weights.get(b + "input_layernorm.bias", w),
                weights.get(a + "query_key_value.weight", 3 * w, w), weights.get(a + "query_key_value.bias", 3 * w),
                weights.get(a + "dense.weight", w, w), weights.get(a + "dense.bias", w),
                weights.get(b + "post_attention_layernorm.weight", w), weights.get(b + "post_attention_layernorm.bias", w),
                weights.get(m + "dense_h_to_4h.weight", 4 * w, w), weights.get(m + "dense_h_to_4h.bias", 4 * w),
                weights.get(m + "dense_4h_to_h.weight", w, 4 * w), weights.get(m + "dense_4h_to_h.bias", w));
    }

    @Override
    protected NDArray embed(long[] ids) {
        return Layers.layerNorm(super.embed(ids), embeddingNormW, embeddingNormB, bloom.eps());
    }

    @Override
    protected NDArray layer(int layer, NDArray h) {
        Block b = block(layer);
        NDArray x = Layers.layerNorm(h, b.ln1w(), b.ln1b(), bloom.eps());
        NDArray attention = outputProjection(attention(Layers.linear(x, b.qkvW(), b.qkvB())), b.denseW(), b.denseB());
        NDArray a = attention.add(bloom.residualAfterNorm() ? x : h);
        NDArray y = Layers.layerNorm(a, b.ln2w(), b.ln2b(), bloom.eps());
        NDArray mlp = outputProjection(bloomGelu(Layers.linear(y, b.upW(), b.upB())), b.downW(), b.downB());
        return mlp.add(bloom.residualAfterNorm() ? y : a);
    }

    @Override
    protected NDArray head(NDArray h) {
        return Layers.linear(Layers.layerNorm(h, finalNormW, finalNormB, bloom.eps()), head, null);
    }

    /** Causal self-attention with ALiBi over the fused projection {@code [T, 3 * width]}; {@code [T, width]}. */
    private NDArray attention(NDArray fused) {
        int t = (int) fused.getShape().get(0);
        int heads = bloom.heads();
        int d = bloom.headDim();
        NDArray perHead = fused.reshape(t, heads, 3, d);
        NDArray q = perHead.get(":, :, 0, :").transpose(1, 0, 2);
        NDArray k = perHead.get(":, :, 1, :").transpose(1, 0, 2);
        NDArray v = perHead.get(":, :, 2, :").transpose(1, 0, 2);
        // The bias and the mask are one additive [heads, T, T] term, made once per length and pass.
        NDArray biasAndMask = shared("alibi " + t, () -> Alibi.bias(weights.manager(), slopes, t, weights.dataType())
                .add(causalMask(t, 0)));
        return Layers.multiHeadAttention(q, k, v, biasAndMask, 1 / Math.sqrt(d));
    }

    /**
     * {@code dense} or {@code dense_4h_to_h}: a linear layer, or, under {@code slow_but_exact}, transformers'
     * sum over {@code pretraining_tp} slices of the input without the bias.
     */
    private NDArray outputProjection(NDArray x, NDArray weight, NDArray bias) {
        int slices = bloom.tensorParallelSlices();
        if (slices == 1) {
            return Layers.linear(x, weight, bias);
        }
        long in = weight.getShape().get(1);
        double slice = (double) in / slices;
        NDArray sum = null;
        for (int i = 0; i < slices; i++) {
            long from = (long) (i * slice);
            long to = (long) ((i + 1) * slice);
            if (to > from) {
                NDArray part = Layers.linear(x.get(":, " + from + ":" + to), weight.get(":, " + from + ":" + to), null);
                sum = sum == null ? part : sum.add(part);
            }
        }
        return sum;
    }

    /** transformers' {@code bloom_gelu_forward}: {@code x/2 * (1 + tanh(0.79788456 x (1 + 0.044715 x^2)))}. */
    static NDArray bloomGelu(NDArray x) {
        NDArray inner = x.mul(GELU_SCALE).mul(x.mul(0.044715).mul(x).add(1));
        return x.mul(0.5).mul(inner.tanh().add(1));
    }
}
