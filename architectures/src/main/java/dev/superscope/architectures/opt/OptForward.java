package dev.superscope.architectures.opt;

import ai.djl.ndarray.NDArray;
import dev.superscope.backend.torch.forward.Activations;
import dev.superscope.backend.torch.forward.ConfigValues;
import dev.superscope.backend.torch.forward.DecoderForward;
import dev.superscope.backend.torch.forward.Layers;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.backend.torch.forward.Weights;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;

import java.util.function.UnaryOperator;

/**
 * OPT as transformers' {@code OPTForCausalLM} computes it. Positions come from the attention mask's
 * cumulative sum, offset by 2: for one unpadded sequence, token i reads row {@code i + 2} of
 * {@code embed_positions}. The embedding is projected by {@code project_in} (no bias) when
 * {@code word_embed_proj_dim != hidden_size}, and the final state by {@code project_out} before the head.
 * With {@code do_layer_norm_before} a block is {@code h += attn(ln(h)); h += fc2(act(fc1(ln(h))))};
 * without it each sum is layer-normed afterwards. The decoder's {@code final_layer_norm} exists only
 * when {@code do_layer_norm_before} and not {@code _remove_final_layer_norm}. Defaults:
 * {@code do_layer_norm_before true}, {@code word_embed_proj_dim hidden_size},
 * {@code activation_function relu}, {@code enable_bias true}, {@code layer_norm_elementwise_affine true},
 * {@code tie_word_embeddings true}; layer norms use eps 1e-5.
 */
public final class OptForward extends DecoderForward {
    private static final int POSITION_OFFSET = 2;
    private static final double EPS = 1e-5;

    private record Layer(NDArray ln1w, NDArray ln1b, NDArray qW, NDArray qB, NDArray kW, NDArray kB, NDArray vW,
                         NDArray vB, NDArray oW, NDArray oB, NDArray ln2w, NDArray ln2b, NDArray fc1W, NDArray fc1B,
                         NDArray fc2W, NDArray fc2B) {
    }

    private final int heads;
    private final int headDim;
    private final boolean layerNormBefore;
    private final UnaryOperator<NDArray> activation;
    private final NDArray projectIn;
    private final NDArray projectOut;
    private final NDArray finalW;
    private final NDArray finalB;
    private final boolean finalNorm;
    private final NDArray head;
    private final int width;
    private final int ffn;
    private final boolean bias;
    private final boolean affine;

    /**
     * Reads the embeddings and head from {@code tensors} into the engine and checks every layer's
     * weights, which a pass reads one layer at a time.
     */
    public OptForward(ModelConfig config, TensorStore tensors, ForwardSettings settings) {
        super("opt", new Weights(tensors, settings));
        try {
            width = ConfigValues.requirePositive(config, "hidden_size");
            heads = ConfigValues.requirePositive(config, "num_attention_heads");
            int count = ConfigValues.requirePositive(config, "num_hidden_layers");
            ffn = ConfigValues.requirePositive(config, "ffn_dim");
            int projDim = ConfigValues.intOr(config, width, "word_embed_proj_dim");
            headDim = ConfigValues.divide(config, width, heads, "hidden_size over num_attention_heads");
            layerNormBefore = ConfigValues.boolOr(config, "do_layer_norm_before", true);
            bias = ConfigValues.boolOr(config, "enable_bias", true);
            affine = ConfigValues.boolOr(config, "layer_norm_elementwise_affine", true);
            activation = Activations.of(ConfigValues.stringOr(config, "activation_function", "relu"),
                    config.source());
            String p = weights.has("model.decoder.embed_tokens.weight") ? "model.decoder." : "decoder.";
            readTokenEmbedding(p + "embed_tokens.weight");
            readPositionTable(p + "embed_positions.weight", POSITION_OFFSET);
            projectIn = projDim != width ? weights.get(p + "project_in.weight", width, projDim) : null;
            projectOut = projDim != width ? weights.get(p + "project_out.weight", projDim, width) : null;
            declareLayers(p + "layers.", count, this::layer);
            finalNorm = layerNormBefore && !ConfigValues.boolOr(config, "_remove_final_layer_norm", false);
            finalW = finalNorm && affine ? weights.get(p + "final_layer_norm.weight", width) : null;
            finalB = finalNorm && affine ? weights.get(p + "final_layer_norm.bias", width) : null;
            head = lmHead(config, true, "lm_head.weight");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Layer {@code i}'s weights (read now, or only checked inside {@link Weights#checkOnly}). */
    private Layer layer(int i) {
        String b = layerPrefix(i);
        String a = b + "self_attn.";
        return new Layer(
                affine ? weights.get(b + "self_attn_layer_norm.weight", width) : null,
                affine ? weights.get(b + "self_attn_layer_norm.bias", width) : null,
                weights.get(a + "q_proj.weight", width, width), bias ? weights.get(a + "q_proj.bias", width) : null,
                weights.get(a + "k_proj.weight", width, width), bias ? weights.get(a + "k_proj.bias", width) : null,
                weights.get(a + "v_proj.weight", width, width), bias ? weights.get(a + "v_proj.bias", width) : null,
                weights.get(a + "out_proj.weight", width, width), bias ? weights.get(a + "out_proj.bias", width) : null,
                affine ? weights.get(b + "final_layer_norm.weight", width) : null,
                affine ? weights.get(b + "final_layer_norm.bias", width) : null,
                weights.get(b + "fc1.weight", ffn, width), bias ? weights.get(b + "fc1.bias", ffn) : null,
                weights.get(b + "fc2.weight", width, ffn), bias ? weights.get(b + "fc2.bias", width) : null);
    }

    @Override
    protected NDArray embed(long[] ids) {
        NDArray tokens = super.embed(ids);
        if (projectIn != null) {
            tokens = Layers.linear(tokens, projectIn, null);
        }
        return tokens.add(positionEmbeddings(ids.length));
    }

    @Override
    protected NDArray layer(int layer, NDArray h) {
        int t = (int) h.getShape().get(0);
        NDArray mask = causalMask(t, 0);
        Layer l = layer(layer);
        NDArray x = layerNormBefore ? Layers.layerNorm(h, l.ln1w(), l.ln1b(), EPS) : h;
        NDArray q = Layers.projectHeads(x, l.qW(), l.qB(), heads, headDim);
        NDArray k = Layers.projectHeads(x, l.kW(), l.kB(), heads, headDim);
        NDArray v = Layers.projectHeads(x, l.vW(), l.vB(), heads, headDim);
        NDArray a = Layers.multiHeadAttention(q, k, v, mask, 1 / Math.sqrt(headDim));
        h = h.add(Layers.linear(a, l.oW(), l.oB()));
        if (!layerNormBefore) {
            h = Layers.layerNorm(h, l.ln1w(), l.ln1b(), EPS);
        }
        x = layerNormBefore ? Layers.layerNorm(h, l.ln2w(), l.ln2b(), EPS) : h;
        h = h.add(Layers.feedForward(x, l.fc1W(), l.fc1B(), activation, l.fc2W(), l.fc2B()));
        if (!layerNormBefore) {
            h = Layers.layerNorm(h, l.ln2w(), l.ln2b(), EPS);
        }
        return h;
    }

    @Override
    protected NDArray head(NDArray h) {
        if (finalNorm) {
            h = Layers.layerNorm(h, finalW, finalB, EPS);
        }
        if (projectOut != null) {
            h = Layers.linear(h, projectOut, null);
        }
        return Layers.linear(h, head, null);
    }
}
