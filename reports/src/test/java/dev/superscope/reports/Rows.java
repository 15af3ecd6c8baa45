package dev.superscope.reports;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TokenizerInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Test data: report rows and small loaded models. */
final class Rows {

    private Rows() {
    }

    /** A row with the given metrics (name, value, name, value, ...). */
    static ModelResult row(String model, String family, String matrix, int m, Object... metrics) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < metrics.length; i += 2) {
            map.put((String) metrics[i], ((Number) metrics[i + 1]).doubleValue());
        }
        return new ModelResult(model, family, "gpt2", matrix, true, 1000, m, "F32", OptionalInt.of(m),
                OptionalInt.of(990), 10, "all", "lm_head.weight", "GPT2LMHeadModel", "/models/" + model, map);
    }

    /** A loaded model with an n x m F32 embedding and head (the same matrix when tied). */
    static LoadedModel loaded(int n, int m, boolean tied, OptionalInt tokenizerVocab) {
        float[] values = new float[n * m];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i + 1);
        }
        Matrix embedding = Matrices.ofFloats("transformer.wte.weight", n, m, values);
        Matrix head = tied ? embedding : Matrices.ofFloats("lm_head.weight", n, m, values);
        Checkpoint checkpoint = new Checkpoint("org/tiny-model", Path.of("/models/tiny"),
                new ModelConfig(Map.of(), Path.of("/models/tiny/config.json")), null, TokenizerInfo.none());
        return new LoadedModel(checkpoint, "gpt2", "GPT2LMHeadModel", embedding, head, tied, 2 * m,
                tokenizerVocab, List.of());
    }
}
