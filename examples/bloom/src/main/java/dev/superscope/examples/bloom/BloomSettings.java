package dev.superscope.examples.bloom;

import dev.superscope.backend.torch.forward.ConfigValues;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;

import java.util.OptionalInt;

/**
 * What BLOOM's forward pass reads from config.json, with transformers' {@code BloomConfig} rules.
 *
 * <p>Keys go by two names ({@code n_embed} in older configs, {@code hidden_size} in newer ones;
 * {@code n_layer} / {@code num_hidden_layers}; {@code n_head} / {@code num_attention_heads}). Which one
 * transformers reads when both are present differs between its versions, so two that disagree are
 * refused. The shape keys are required, as a config without them describes no real checkpoint
 * (BloomConfig's own defaults are a toy 64-wide model); the rest default as in BloomConfig.
 *
 * @param width                 hidden size
 * @param heads                 attention heads
 * @param layers                blocks
 * @param eps                   {@code layer_norm_epsilon} (1e-5)
 * @param residualAfterNorm     {@code apply_residual_connection_post_layernorm} (false): each block's
 *                              residual is the layer-normed input instead of the input
 * @param tensorParallelSlices  the {@code pretraining_tp} slices the output projections are summed over
 *                              when {@code slow_but_exact} is set, else 1 (see {@link BloomForward})
 */
record BloomSettings(int width, int heads, int layers, double eps, boolean residualAfterNorm,
                     int tensorParallelSlices) {

    /** The settings of {@code config}; a missing, disagreeing or unusable value is a bad input naming it. */
    static BloomSettings of(ModelConfig config) {
        int width = required(config, "n_embed", "hidden_size");
        int heads = required(config, "n_head", "num_attention_heads");
        int layers = required(config, "n_layer", "num_hidden_layers");
        ConfigValues.divide(config, width, heads, "hidden_size over n_head");
        int tp = ConfigValues.intOr(config, 1, "pretraining_tp");
        if (tp < 1) {
            throw new BadInputException(config.source(), "\"pretraining_tp\" must be at least 1, not " + tp);
        }
        boolean slowButExact = ConfigValues.boolOr(config, "slow_but_exact", false);
        return new BloomSettings(width, heads, layers, ConfigValues.numberOr(config, 1e-5, "layer_norm_epsilon"),
                ConfigValues.boolOr(config, "apply_residual_connection_post_layernorm", false),
                slowButExact ? tp : 1);
    }

    /** Head size. */
    int headDim() {
        return width / heads;
    }

    private static int required(ModelConfig config, String name, String alias) {
        OptionalInt a = config.integer(name);
        OptionalInt b = config.integer(alias);
        if (a.isPresent() && b.isPresent() && a.getAsInt() != b.getAsInt()) {
            throw new BadInputException(config.source(), "gives both \"" + name + "\" " + a.getAsInt() + " and \""
                    + alias + "\" " + b.getAsInt() + "; transformers versions disagree on which wins");
        }
        int value = a.isPresent() ? a.getAsInt() : b.orElseThrow(() -> new BadInputException(config.source(),
                "has neither \"" + name + "\" nor \"" + alias + "\", which a BLOOM forward pass needs"));
        if (value < 1) {
            throw new BadInputException(config.source(), "\"" + (a.isPresent() ? name : alias)
                    + "\" must be positive, not " + value);
        }
        return value;
    }
}
