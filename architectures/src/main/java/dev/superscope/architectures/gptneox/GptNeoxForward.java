package dev.superscope.architectures.gptneox;

import ai.djl.ndarray.NDArray;
import dev.superscope.backend.torch.forward.Activations;
import dev.superscope.backend.torch.forward.ConfigValues;
import dev.superscope.backend.torch.forward.DecoderForward;
import dev.superscope.backend.torch.forward.Layers;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.backend.torch.forward.Rotary;
import dev.superscope.backend.torch.forward.Weights;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;

import java.util.function.UnaryOperator;

/**
 * GPT-NeoX as transformers' {@code GPTNeoXForCausalLM} computes it. The fused
 * {@code query_key_value} output is viewed as {@code [T, heads, 3 * headSize]} and split into q, k, v
 * per head; rotary covers the first {@code int(headSize * rotary_pct)} channels of each head
 * ({@code rotate_half}, base {@code rotary_emb_base}); with {@code use_parallel_residual}
 * {@code h += attn(ln1(h)) + mlp(ln2(h))}, else {@code h += attn(ln1(h)); h += mlp(ln2(h))}. Defaults:
 * {@code rotary_pct 0.25}, {@code rotary_emb_base 10000}, {@code layer_norm_eps 1e-5},
 * {@code hidden_act gelu} (exact), {@code use_parallel_residual true}, {@code attention_bias true},
 * {@code tie_word_embeddings false}; a linear {@code rope_scaling} divides positions by its factor, and a
 * transformers 5 config's {@code rope_parameters} ({@code rope_theta}, {@code partial_rotary_factor})
 * take precedence over the older keys.
 */
public final class GptNeoxForward extends DecoderForward {
    private record Layer(NDArray ln1w, NDArray ln1b, NDArray qkvW, NDArray qkvB, NDArray denseW, NDArray denseB,
                         NDArray ln2w, NDArray ln2b, NDArray upW, NDArray upB, NDArray downW, NDArray downB) {
    }

    private final int heads;
    private final int headSize;
    private final double eps;
    private final boolean parallel;
    private final Rotary rotary;
    private final UnaryOperator<NDArray> activation;
    private final NDArray lnfW;
    private final NDArray lnfB;
    private final NDArray head;
    private final int width;
    private final int inner;
    private final boolean bias;

    /**
     * Reads the embeddings and head from {@code tensors} into the engine and checks every layer's
     * weights, which a pass reads one layer at a time.
     */
    public GptNeoxForward(ModelConfig config, TensorStore tensors, ForwardSettings settings) {
        super("gpt_neox", new Weights(tensors, settings));
        try {
            width = ConfigValues.requirePositive(config, "hidden_size");
            heads = ConfigValues.requirePositive(config, "num_attention_heads");
            int count = ConfigValues.requirePositive(config, "num_hidden_layers");
            inner = ConfigValues.requirePositive(config, "intermediate_size");
            headSize = ConfigValues.divide(config, width, heads, "hidden_size over num_attention_heads");
            eps = ConfigValues.numberOr(config, 1e-5, "layer_norm_eps");
            parallel = ConfigValues.boolOr(config, "use_parallel_residual", true);
            double pct = ConfigValues.ropeNumber(config, "partial_rotary_factor", 0.25, "rotary_pct",
                    "partial_rotary_factor");
            double base = ConfigValues.ropeNumber(config, "rope_theta", 10000, "rotary_emb_base", "rope_theta");
            rotary = new Rotary(ConfigValues.rotaryDims(config, headSize, pct), base,
                    ConfigValues.ropePositionScale(config));
            activation = Activations.of(ConfigValues.stringOr(config, "hidden_act", "gelu"), config.source());
            bias = ConfigValues.boolOr(config, "attention_bias", true);
            String p = weights.has("gpt_neox.embed_in.weight") ? "gpt_neox." : "";
            readTokenEmbedding(p + "embed_in.weight");
            declareLayers(p + "layers.", count, this::layer);
            lnfW = weights.get(p + "final_layer_norm.weight", width);
            lnfB = weights.get(p + "final_layer_norm.bias", width);
            head = lmHead(config, false, "embed_out.weight");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Layer {@code i}'s weights (read now, or only checked inside {@link Weights#checkOnly}). */
    private Layer layer(int i) {
        String b = layerPrefix(i);
        return new Layer(
                weights.get(b + "input_layernorm.weight", width), weights.get(b + "input_layernorm.bias", width),
                weights.get(b + "attention.query_key_value.weight", 3L * width, width),
                bias ? weights.get(b + "attention.query_key_value.bias", 3L * width) : null,
                weights.get(b + "attention.dense.weight", width, width),
                bias ? weights.get(b + "attention.dense.bias", width) : null,
                weights.get(b + "post_attention_layernorm.weight", width),
                weights.get(b + "post_attention_layernorm.bias", width),
                weights.get(b + "mlp.dense_h_to_4h.weight", inner, width),
                weights.get(b + "mlp.dense_h_to_4h.bias", inner),
                weights.get(b + "mlp.dense_4h_to_h.weight", width, inner),
                weights.get(b + "mlp.dense_4h_to_h.bias", width));
    }

    @Override
    protected NDArray layer(int layer, NDArray h) {
        int t = (int) h.getShape().get(0);
        NDArray mask = causalMask(t, 0);
        Layer l = layer(layer);
        NDArray qkv = Layers.linear(Layers.layerNorm(h, l.ln1w(), l.ln1b(), eps), l.qkvW(), l.qkvB());
        NDArray perHead = qkv.reshape(t, heads, 3L * headSize).transpose(1, 0, 2);
        NDArray q = rotate(rotary, Layers.lastAxis(perHead, 0, headSize));
        NDArray k = rotate(rotary, Layers.lastAxis(perHead, headSize, 2L * headSize));
        NDArray v = Layers.lastAxis(perHead, 2L * headSize, 3L * headSize);
        NDArray a = Layers.multiHeadAttention(q, k, v, mask, 1 / Math.sqrt(headSize));
        NDArray attn = Layers.linear(a, l.denseW(), l.denseB());
        if (parallel) {
            NDArray mlp = mlp(Layers.layerNorm(h, l.ln2w(), l.ln2b(), eps), l);
            return h.add(attn).add(mlp);
        }
        h = h.add(attn);
        return h.add(mlp(Layers.layerNorm(h, l.ln2w(), l.ln2b(), eps), l));
    }

    @Override
    protected NDArray head(NDArray h) {
        return Layers.linear(Layers.layerNorm(h, lnfW, lnfB, eps), head, null);
    }

    private NDArray mlp(NDArray x, Layer l) {
        return Layers.feedForward(x, l.upW(), l.upB(), activation, l.downW(), l.downB());
    }
}
