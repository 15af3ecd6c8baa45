package dev.superscope.examples.bloom;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.TokenizerInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;

/** Tiny BLOOM-shaped checkpoints held in memory (this module sees only the plugin API, no file readers). */
final class BloomCheckpoints {
    private BloomCheckpoints() {
    }

    static Matrix matrix(String name, int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Matrices.ofFloats(name, rows, cols, v);
    }

    static Checkpoint checkpoint(Map<String, Object> config, Matrix... matrices) {
        Map<String, Matrix> byName = new TreeMap<>();
        for (Matrix m : matrices) {
            byName.put(m.name(), m);
        }
        TensorStore store = new TensorStore() {
            @Override
            public List<TensorInfo> tensors() {
                return byName.values().stream().map(m -> new TensorInfo(m.name(), m.dtype(),
                        new long[] {m.rows(), m.cols()}, "memory")).toList();
            }

            @Override
            public Optional<TensorInfo> find(String name) {
                return tensors().stream().filter(t -> t.name().equals(name)).findFirst();
            }

            @Override
            public Matrix matrix(String name) {
                Matrix m = byName.get(name);
                if (m == null) {
                    throw new BadInputException(Path.of("memory"), "no tensor " + name);
                }
                return m;
            }

            @Override
            public String describe() {
                return "memory";
            }

            @Override
            public void close() {
            }
        };
        return new Checkpoint("bloom-tiny", Path.of("bloom-tiny"), new ModelConfig(config,
                Path.of("bloom-tiny", "config.json")), store, new TokenizerInfo(OptionalInt.of(10), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    /** config.json of a tiny BloomForCausalLM. */
    static Map<String, Object> config() {
        return Map.of("model_type", "bloom", "architectures", List.of("BloomForCausalLM"), "hidden_size", 4,
                "n_layer", 2, "n_head", 2, "vocab_size", 12);
    }
}
