package dev.superscope.architectures.gpt2;

import ai.djl.ndarray.NDArray;
import dev.superscope.backend.torch.forward.Activations;
import dev.superscope.backend.torch.forward.ConfigValues;
import dev.superscope.backend.torch.forward.DecoderForward;
import dev.superscope.backend.torch.forward.Layers;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.backend.torch.forward.Weights;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;

import java.util.function.UnaryOperator;

/**
 * GPT-2 as transformers' {@code GPT2LMHeadModel} computes it: {@code wte + wpe}, then per block
 * {@code h += attn(ln_1(h)); h += mlp(ln_2(h))}, then {@code ln_f} and the head (tied to {@code wte}
 * unless {@code tie_word_embeddings} is false). Defaults: {@code activation_function gelu_new},
 * {@code layer_norm_epsilon 1e-5}, {@code scale_attn_weights true},
 * {@code scale_attn_by_inverse_layer_idx false}, {@code n_inner 4 * n_embd}. Tensor names may carry the
 * {@code transformer.} prefix or not.
 */
public final class Gpt2Forward extends DecoderForward {
    private record Block(NDArray ln1w, NDArray ln1b, NDArray qkvW, NDArray qkvB, NDArray projW, NDArray projB,
                         NDArray ln2w, NDArray ln2b, NDArray fcW, NDArray fcB, NDArray outW, NDArray outB) {
    }

    private final int width;
    private final int heads;
    private final double eps;
    private final boolean scaleWeights;
    private final boolean scaleByLayer;
    private final UnaryOperator<NDArray> activation;
    private final NDArray lnfW;
    private final NDArray lnfB;
    private final NDArray head;
    private final int inner;

    /**
     * Reads the embeddings and head from {@code tensors} into the engine and checks every layer's
     * weights, which a pass reads one layer at a time.
     */
    public Gpt2Forward(ModelConfig config, TensorStore tensors, ForwardSettings settings) {
        super("gpt2", new Weights(tensors, settings));
        try {
            width = ConfigValues.requirePositive(config, "n_embd", "hidden_size");
            heads = ConfigValues.requirePositive(config, "n_head", "num_attention_heads");
            int layers = ConfigValues.requirePositive(config, "n_layer", "num_hidden_layers");
            inner = ConfigValues.intOr(config, 4 * width, "n_inner");
            ConfigValues.divide(config, width, heads, "n_embd over n_head");
            eps = ConfigValues.numberOr(config, 1e-5, "layer_norm_epsilon");
            scaleWeights = ConfigValues.boolOr(config, "scale_attn_weights", true);
            scaleByLayer = ConfigValues.boolOr(config, "scale_attn_by_inverse_layer_idx", false);
            activation = Activations.of(ConfigValues.stringOr(config, "activation_function", "gelu_new"),
                    config.source());
            String p = weights.has("transformer.wte.weight") ? "transformer." : "";
            NDArray wte = readTokenEmbedding(weights.firstPresent("token embedding", p + "wte.weight"));
            if (wte.getShape().dimension() != 2 || wte.getShape().get(1) != width) {
                throw new BadInputException(config.source(), "n_embd " + width
                        + " disagrees with wte of shape " + wte.getShape());
            }
            readPositionTable(p + "wpe.weight", 0);
            declareLayers(p + "h.", layers, this::block);
            lnfW = weights.get(p + "ln_f.weight", width);
            lnfB = weights.get(p + "ln_f.bias", width);
            head = lmHead(config, true, "lm_head.weight");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Block {@code i}'s weights (read now, or only checked inside {@link Weights#checkOnly}). */
    private Block block(int i) {
        String b = layerPrefix(i);
        return new Block(
                weights.get(b + "ln_1.weight", width), weights.get(b + "ln_1.bias", width),
                weights.get(b + "attn.c_attn.weight", width, 3L * width),
                weights.get(b + "attn.c_attn.bias", 3L * width),
                weights.get(b + "attn.c_proj.weight", width, width), weights.get(b + "attn.c_proj.bias", width),
                weights.get(b + "ln_2.weight", width), weights.get(b + "ln_2.bias", width),
                weights.get(b + "mlp.c_fc.weight", width, inner), weights.get(b + "mlp.c_fc.bias", inner),
                weights.get(b + "mlp.c_proj.weight", inner, width), weights.get(b + "mlp.c_proj.bias", width));
    }

    @Override
    protected NDArray embed(long[] ids) {
        return super.embed(ids).add(positionEmbeddings(ids.length));
    }

    @Override
    protected NDArray layer(int layer, NDArray h) {
        int t = (int) h.getShape().get(0);
        int headDim = width / heads;
        NDArray mask = causalMask(t, 0);
        Block b = block(layer);
        NDArray x = Layers.layerNorm(h, b.ln1w(), b.ln1b(), eps);
        NDArray qkv = Layers.conv1d(x, b.qkvW(), b.qkvB());
        NDArray q = Layers.splitHeads(qkv.get(":, 0:" + width), heads, headDim);
        NDArray k = Layers.splitHeads(qkv.get(":, " + width + ":" + 2 * width), heads, headDim);
        NDArray v = Layers.splitHeads(qkv.get(":, " + 2 * width + ":" + 3 * width), heads, headDim);
        double scale = (scaleWeights ? 1 / Math.sqrt(headDim) : 1) / (scaleByLayer ? layer + 1 : 1);
        NDArray a = Layers.multiHeadAttention(q, k, v, mask, scale);
        h = h.add(Layers.conv1d(a, b.projW(), b.projB()));
        x = Layers.layerNorm(h, b.ln2w(), b.ln2b(), eps);
        return h.add(Layers.conv1d(activation.apply(Layers.conv1d(x, b.fcW(), b.fcB())), b.outW(), b.outB()));
    }

    @Override
    protected NDArray head(NDArray h) {
        return Layers.linear(Layers.layerNorm(h, lnfW, lnfB, eps), head, null);
    }
}
