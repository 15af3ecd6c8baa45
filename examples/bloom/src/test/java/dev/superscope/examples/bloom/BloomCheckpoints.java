package dev.superscope.examples.bloom;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TokenizerInfo;
import dev.superscope.testing.MemoryTensorStore;
import dev.superscope.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Tiny BLOOM-shaped checkpoints held in memory (the plugin itself sees only the plugin API, no file readers). */
final class BloomCheckpoints {
    private BloomCheckpoints() {
    }

    /** A rows x cols float32 matrix of seeded Gaussian values. */
    static Matrix matrix(String name, int rows, int cols, long seed) {
        return TestModels.gaussian(name, rows, cols, seed);
    }

    static Checkpoint checkpoint(Map<String, Object> config, Matrix... matrices) {
        return new Checkpoint("bloom-tiny", Path.of("bloom-tiny"), new ModelConfig(config,
                Path.of("bloom-tiny", "config.json")), new MemoryTensorStore(matrices), new TokenizerInfo(
                OptionalInt.of(10), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /** config.json of a tiny BloomForCausalLM. */
    static Map<String, Object> config() {
        return Map.of("model_type", "bloom", "architectures", List.of("BloomForCausalLM"), "hidden_size", 4,
                "n_layer", 2, "n_head", 2, "vocab_size", 12);
    }
}
