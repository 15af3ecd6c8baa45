package dev.superscope.architectures.llama;

import ai.djl.ndarray.NDArray;
import dev.superscope.backend.torch.forward.Activations;
import dev.superscope.backend.torch.forward.ConfigValues;
import dev.superscope.backend.torch.forward.DecoderForward;
import dev.superscope.backend.torch.forward.Layers;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.backend.torch.forward.Rotary;
import dev.superscope.backend.torch.forward.Weights;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Llama, Qwen2 and Mistral as transformers computes them: per layer
 * {@code h += o(attn(rope(q(n1(h))), rope(k(n1(h))), v(n1(h)))); h += down(act(gate(n2(h))) * up(n2(h)))}
 * with RMSNorm, then the final norm and the head (tied to {@code embed_tokens} when
 * {@code tie_word_embeddings}, default false). Key/value heads: {@code num_key_value_heads} (defaults in
 * {@link #keyValueHeads}); head size {@code head_dim} (default hidden / heads). Biases: Qwen2 always
 * has q/k/v biases; Llama has q/k/v/o biases when {@code attention_bias} and MLP biases when
 * {@code mlp_bias} (both default false); Mistral has none. Sliding window: Mistral's
 * {@code sliding_window} (default 4096) on every layer; Qwen2's only when {@code use_sliding_window}, on
 * its {@code layer_types} (default: layers from {@code max_window_layers}, default 28). Defaults:
 * {@code rms_norm_eps 1e-6}, {@code rope_theta 10000} (read from {@code rope_parameters} when a
 * transformers 5 config has it), {@code hidden_act silu}; rope scaling may be absent, default or linear.
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
    private final NDArray finalNorm;
    private final NDArray head;
    private final int width;
    private final int inner;
    private final boolean attnBias;
    private final boolean qkvBias;
    private final boolean mlpBias;
    private final int[] windows;

    /**
     * Reads the embeddings and head from {@code tensors} into the engine and checks every layer's
     * weights, which a pass reads one layer at a time.
     */
    public LlamaForward(ModelConfig config, TensorStore tensors, ForwardSettings settings) {
        super(config.modelType().isEmpty() ? "llama" : config.modelType(), new Weights(tensors, settings));
        try {
            String type = config.modelType();
            width = ConfigValues.requirePositive(config, "hidden_size");
            heads = ConfigValues.requirePositive(config, "num_attention_heads");
            kvHeads = keyValueHeads(config, type, heads);
            ConfigValues.divide(config, heads, kvHeads, "num_attention_heads over num_key_value_heads");
            int count = ConfigValues.requirePositive(config, "num_hidden_layers");
            inner = ConfigValues.requirePositive(config, "intermediate_size");
            headDim = config.has("head_dim") ? ConfigValues.requirePositive(config, "head_dim")
                    : ConfigValues.divide(config, width, heads, "hidden_size over num_attention_heads");
            eps = ConfigValues.numberOr(config, 1e-6, "rms_norm_eps");
            rotary = new Rotary(headDim, ConfigValues.ropeNumber(config, "rope_theta", 10000, "rope_theta"),
                    ConfigValues.ropePositionScale(config));
            activation = Activations.of(ConfigValues.stringOr(config, "hidden_act", "silu"), config.source());
            boolean qwen2 = type.equals("qwen2");
            boolean mistral = type.equals("mistral");
            attnBias = !qwen2 && !mistral && ConfigValues.boolOr(config, "attention_bias", false);
            qkvBias = qwen2 || attnBias;
            mlpBias = !qwen2 && !mistral && ConfigValues.boolOr(config, "mlp_bias", false);
            windows = slidingWindows(config, type, count);
            String p = weights.has("model.embed_tokens.weight") ? "model." : "";
            readTokenEmbedding(p + "embed_tokens.weight");
            declareLayers(p + "layers.", count, this::layer);
            finalNorm = weights.get(p + "norm.weight", width);
            head = lmHead(config, false, "lm_head.weight");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * {@code num_key_value_heads}; when the key is absent each config class has its own default (Llama:
     * {@code num_attention_heads}; Mistral: 8; Qwen2: 32), and an explicit null means
     * {@code num_attention_heads} in all three.
     */
    private static int keyValueHeads(ModelConfig config, String type, int heads) {
        if (config.values().containsKey("num_key_value_heads")) {
            return config.has("num_key_value_heads") ? ConfigValues.requirePositive(config, "num_key_value_heads") : heads;
        }
        switch (type) {
            case "mistral":
                return 8;
            case "qwen2":
                return 32;
            default:
                return heads;
        }
    }

    /**
     * Each layer's sliding window (0 for full attention), as transformers sets it up. Mistral: every layer
     * uses {@code sliding_window} (default 4096) unless it is null. Qwen2: {@code sliding_window} (default
     * 4096) counts only when {@code use_sliding_window} (default false); then the layers whose
     * {@code layer_types} entry is {@code sliding_attention} use it, {@code layer_types} defaulting to
     * sliding from layer {@code max_window_layers} (default 28) on. Llama has no window. A query at i sees
     * key j when {@code i - j < window} (masking_utils' {@code kv_idx > q_idx - sliding_window}).
     */
    private static int[] slidingWindows(ModelConfig config, String type, int layers) {
        int[] windows = new int[layers];
        boolean keyed = config.values().containsKey("sliding_window");
        if (type.equals("mistral")) {
            int window = !keyed ? 4096 : config.has("sliding_window") ? ConfigValues.requirePositive(config, "sliding_window") : 0;
            java.util.Arrays.fill(windows, window);
        } else if (type.equals("qwen2") && ConfigValues.boolOr(config, "use_sliding_window", false)) {
            int window = !keyed ? 4096 : config.has("sliding_window") ? ConfigValues.requirePositive(config, "sliding_window") : 0;
            Object types = config.values().get("layer_types");
            int from = ConfigValues.intOr(config, 28, "max_window_layers");
            if (types != null && !(types instanceof List<?> list && list.size() == layers)) {
                throw new BadInputException(config.source(), "\"layer_types\" should list one attention type for each of the "
                        + layers + " layers");
            }
            for (int i = 0; i < layers; i++) {
                boolean sliding = types == null ? i >= from : "sliding_attention".equals(((List<?>) types).get(i));
                windows[i] = sliding ? window : 0;
            }
        }
        return windows;
    }

    /** Layer {@code i}'s weights (read now, or only checked inside {@link Weights#checkOnly}). */
    private Layer layer(int i) {
        long q = (long) heads * headDim;
        long kv = (long) kvHeads * headDim;
        String b = layerPrefix(i);
        String a = b + "self_attn.";
        String f = b + "mlp.";
        return new Layer(weights.get(b + "input_layernorm.weight", width),
                weights.get(a + "q_proj.weight", q, width), qkvBias ? weights.get(a + "q_proj.bias", q) : null,
                weights.get(a + "k_proj.weight", kv, width), qkvBias ? weights.get(a + "k_proj.bias", kv) : null,
                weights.get(a + "v_proj.weight", kv, width), qkvBias ? weights.get(a + "v_proj.bias", kv) : null,
                weights.get(a + "o_proj.weight", width, q), attnBias ? weights.get(a + "o_proj.bias", width) : null,
                weights.get(b + "post_attention_layernorm.weight", width),
                weights.get(f + "gate_proj.weight", inner, width), mlpBias ? weights.get(f + "gate_proj.bias", inner) : null,
                weights.get(f + "up_proj.weight", inner, width), mlpBias ? weights.get(f + "up_proj.bias", inner) : null,
                weights.get(f + "down_proj.weight", width, inner), mlpBias ? weights.get(f + "down_proj.bias", width) : null,
                windows[i]);
    }

    @Override
    protected NDArray layer(int layer, NDArray h) {
        int t = (int) h.getShape().get(0);
        Layer l = layer(layer);
        NDArray mask = causalMask(t, l.window());
        NDArray x = Layers.rmsNorm(h, l.norm1(), eps);
        NDArray q = rotate(rotary, Layers.projectHeads(x, l.qW(), l.qB(), heads, headDim));
        NDArray k = rotate(rotary, Layers.projectHeads(x, l.kW(), l.kB(), kvHeads, headDim));
        NDArray v = Layers.projectHeads(x, l.vW(), l.vB(), kvHeads, headDim);
        NDArray a = Layers.multiHeadAttention(q, k, v, mask, 1 / Math.sqrt(headDim));
        h = h.add(Layers.linear(a, l.oW(), l.oB()));
        x = Layers.rmsNorm(h, l.norm2(), eps);
        NDArray gated = activation.apply(Layers.linear(x, l.gateW(), l.gateB())).mul(Layers.linear(x, l.upW(), l.upB()));
        return h.add(Layers.linear(gated, l.downW(), l.downB()));
    }

    @Override
    protected NDArray head(NDArray h) {
        return Layers.linear(Layers.rmsNorm(h, finalNorm, eps), head, null);
    }
}
