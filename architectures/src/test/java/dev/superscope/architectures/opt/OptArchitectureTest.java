package dev.superscope.architectures.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.testing.TestModels;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OptArchitectureTest {
    @Test
    void opt350mStyleProjectedEmbeddingsReportTheMatrixWidthAsM() {
        // OPT-350m: word_embed_proj_dim 512, hidden_size 1024, keys without the model. prefix; scaled down.
        Matrix emb = TestModels.gaussian("decoder.embed_tokens.weight", 10, 4, 3);
        LoadedModel m = new OptArchitecture().load(TestModels.inMemory(Map.of("model_type", "opt",
                "architectures", List.of("OPTForCausalLM"), "hidden_size", 8, "word_embed_proj_dim", 4,
                "vocab_size", 10), OptionalInt.empty(), emb));
        assertSame(emb, m.embedding());
        assertSame(emb, m.unembedding());
        assertTrue(m.tied(), "OPT ties by default");
        assertEquals(8, m.hiddenSize());
        assertEquals(4, m.unembedding().cols());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void aProjectionWidthThatDisagreesWithTheMatrixIsAWarning() {
        Matrix emb = TestModels.gaussian("model.decoder.embed_tokens.weight", 10, 4, 3);
        LoadedModel m = new OptArchitecture().load(TestModels.inMemory(Map.of("model_type", "opt", "hidden_size", 8,
                "word_embed_proj_dim", 6), OptionalInt.empty(), emb));
        assertEquals(1, m.warnings().size(), m.warnings().toString());
        assertTrue(m.warnings().get(0).contains("word_embed_proj_dim 6"), m.warnings().get(0));
    }
}
