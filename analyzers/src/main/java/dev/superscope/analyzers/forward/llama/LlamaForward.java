package dev.superscope.analyzers.forward.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.superscope.analyzers.forward.Activations;
import dev.superscope.analyzers.forward.ConfigValues;
import dev.superscope.analyzers.forward.DecoderForward;
import dev.superscope.analyzers.forward.Layers;
import dev.superscope.analyzers.forward.Precision;
import dev.superscope.analyzers.forward.Rotary;
import dev.superscope.analyzers.forward.Weights;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Llama, Qwen2 and Mistral as transformers computes them: per layer
 * {@code h += o(attn(rope(q(n1(h))), rope(k(n1(h))), v(n1(h)))); h += down(act(gate(n2(h))) * up(n2(h)))}
 * with RMSNorm, then the final norm and the head (tied to {@code embed_tokens} when
 * {@code tie_word_embeddings}, default false). Key/value heads: {@code num_key_value_heads} (default
 * {@code num_attention_heads}); head size {@code head_dim} (default hidden / heads). Biases: Qwen2 always
 * has q/k/v biases; Llama has q/k/v/o biases when {@code attention_bias} and MLP biases when
 * {@code mlp_bias} (both default false); Mistral has none. Sliding window: Mistral's
 * {@code sliding_window} (default 4096) on every layer; Qwen2's only when {@code use_sliding_window}, on
 * layers from {@code max_window_layers} (default 28). Defaults: {@code rms_norm_eps 1e-6},
 * {@code rope_theta 10000}, {@code hidden_act silu}; {@code rope_scaling} may be absent, default or linear.
 */
public final class LlamaForward extends DecoderForward {
    private record Layer(NDArray norm1, NDArray qW, NDArray qB, NDArray kW, NDArray kB, NDArray vW, NDArray vB,
                         NDArray oW, NDArray oB, NDArray norm2, NDArray gateW, NDArray gateB, NDArray upW,
                         NDArray upB, NDArray downW, NDArray downB, int window) {
    }

    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final double eps;
    private final Rotary rotary;
    private final UnaryOperator<NDArray> activation;
    private final NDArray embed;
    private final NDArray finalNorm;
    private final NDArray head;
    private final List<Layer> layers = new ArrayList<>();

    /** Reads every weight of the model from {@code tensors} into the engine. */
    public LlamaForward(ModelConfig config, TensorStore tensors, Precision precision) {
        super(config.modelType().isEmpty() ? "llama" : config.modelType(), new Weights(tensors, precision));
        try {
            String type = config.modelType();
            int width = ConfigValues.requirePositive(config, "hidden_size");
            heads = ConfigValues.requirePositive(config, "num_attention_heads");
            kvHeads = ConfigValues.intOr(config, heads, "num_key_value_heads");
            ConfigValues.divide(config, heads, kvHeads, "num_attention_heads over num_key_value_heads");
            int count = ConfigValues.requirePositive(config, "num_hidden_layers");
            int inner = ConfigValues.requirePositive(config, "intermediate_size");
            headDim = config.has("head_dim") ? ConfigValues.requirePositive(config, "head_dim")
                    : ConfigValues.divide(config, width, heads, "hidden_size over num_attention_heads");
            eps = ConfigValues.numberOr(config, 1e-6, "rms_norm_eps");
            rotary = new Rotary(headDim, ConfigValues.numberOr(config, 10000, "rope_theta"), ropeScale(config));
            activation = Activations.of(ConfigValues.stringOr(config, "hidden_act", "silu"), config.source());
            boolean qwen2 = type.equals("qwen2");
            boolean mistral = type.equals("mistral");
            boolean attnBias = !qwen2 && !mistral && ConfigValues.boolOr(config, "attention_bias", false);
            boolean qkvBias = qwen2 || attnBias;
            boolean mlpBias = !qwen2 && !mistral && ConfigValues.boolOr(config, "mlp_bias", false);
            int window = 0;
            int windowFrom = 0;
            if (mistral) {
                window = config.has("sliding_window") ? ConfigValues.requirePositive(config, "sliding_window")
                        : config.values().containsKey("sliding_window") ? 0 : 4096;
            } else if (qwen2 && ConfigValues.boolOr(config, "use_sliding_window", false)) {
                window = ConfigValues.intOr(config, 4096, "sliding_window");
                windowFrom = ConfigValues.intOr(config, 28, "max_window_layers");
            }
            String p = weights.has("model.embed_tokens.weight") ? "model." : "";
            embed = weights.get(p + "embed_tokens.weight");
            long q = (long) heads * headDim;
            long kv = (long) kvHeads * headDim;
            for (int i = 0; i < count; i++) {
                String b = p + "layers." + i + ".";
                String a = b + "self_attn.";
                String f = b + "mlp.";
                layers.add(new Layer(weights.get(b + "input_layernorm.weight", width),
                        weights.get(a + "q_proj.weight", q, width), qkvBias ? weights.get(a + "q_proj.bias", q) : null,
                        weights.get(a + "k_proj.weight", kv, width), qkvBias ? weights.get(a + "k_proj.bias", kv) : null,
                        weights.get(a + "v_proj.weight", kv, width), qkvBias ? weights.get(a + "v_proj.bias", kv) : null,
                        weights.get(a + "o_proj.weight", width, q), attnBias ? weights.get(a + "o_proj.bias", width) : null,
                        weights.get(b + "post_attention_layernorm.weight", width),
                        weights.get(f + "gate_proj.weight", inner, width), mlpBias ? weights.get(f + "gate_proj.bias", inner) : null,
                        weights.get(f + "up_proj.weight", inner, width), mlpBias ? weights.get(f + "up_proj.bias", inner) : null,
                        weights.get(f + "down_proj.weight", width, inner), mlpBias ? weights.get(f + "down_proj.bias", width) : null,
                        i >= windowFrom ? window : 0));
            }
            finalNorm = weights.get(p + "norm.weight", width);
            boolean tied = ConfigValues.boolOr(config, "tie_word_embeddings", false);
            head = tied ? embed : weights.get("lm_head.weight");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The position divisor of {@code rope_scaling}: 1 when absent or default, the factor when linear. */
    private static double ropeScale(ModelConfig config) {
        Object scaling = config.values().get("rope_scaling");
        if (scaling == null) {
            return 1;
        }
        if (!(scaling instanceof Map<?, ?> map)) {
            throw new BadInputException(config.source(), "\"rope_scaling\" should be an object or null");
        }
        Object type = map.containsKey("rope_type") ? map.get("rope_type") : map.get("type");
        if (type == null || "default".equals(type)) {
            return 1;
        }
        if ("linear".equals(type) && map.get("factor") instanceof Number factor && factor.doubleValue() > 0) {
            return factor.doubleValue();
        }
        throw new BadInputException(config.source(), "rope_scaling of type " + type
                + " is not supported for forward passes (supported: default, linear)");
    }

    @Override
    public long vocabSize() {
        return embed.getShape().get(0);
    }

    @Override
    protected NDArray forward(long[] ids) {
        NDManager m = weights.manager();
        int t = ids.length;
        NDArray[] cosSin = rotary.tables(m, t, weights.dataType());
        NDArray h = Layers.embed(embed, ids);
        NDArray fullMask = Layers.causalMask(m, t, 0, weights.dataType());
        for (Layer l : layers) {
            NDArray mask = l.window() > 0 ? Layers.causalMask(m, t, l.window(), weights.dataType()) : fullMask;
            NDArray x = Layers.rmsNorm(h, l.norm1(), eps);
            NDArray q = rotary.apply(Layers.splitHeads(Layers.linear(x, l.qW(), l.qB()), heads, headDim),
                    cosSin[0], cosSin[1]);
            NDArray k = rotary.apply(Layers.splitHeads(Layers.linear(x, l.kW(), l.kB()), kvHeads, headDim),
                    cosSin[0], cosSin[1]);
            NDArray v = Layers.splitHeads(Layers.linear(x, l.vW(), l.vB()), kvHeads, headDim);
            NDArray a = Layers.mergeHeads(Layers.attention(q, k, v, mask, 1 / Math.sqrt(headDim)));
            h = h.add(Layers.linear(a, l.oW(), l.oB()));
            x = Layers.rmsNorm(h, l.norm2(), eps);
            NDArray gated = activation.apply(Layers.linear(x, l.gateW(), l.gateB())).mul(Layers.linear(x, l.upW(), l.upB()));
            h = h.add(Layers.linear(gated, l.downW(), l.downB()));
        }
        return Layers.linear(Layers.rmsNorm(h, finalNorm, eps), head, null);
    }
}
