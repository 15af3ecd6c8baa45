package dev.superscope.examples.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.ModelConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BloomArchitectureTest {
    private final BloomArchitecture loader = new BloomArchitecture();

    @Test
    void isListedWithItsForwardPass() {
        assertEquals("bloom", loader.name());
        assertTrue(loader.hasForwardPass());
    }

    @Test
    void acceptsBloomConfigsOnly() {
        assertTrue(loader.accepts(new ModelConfig(Map.of("model_type", "bloom"), null)));
        assertTrue(loader.accepts(new ModelConfig(Map.of("architectures", List.of("BloomForCausalLM")), null)));
        assertTrue(loader.accepts(new ModelConfig(Map.of("architectures", List.of("BloomModel")), null)));
        assertFalse(loader.accepts(new ModelConfig(Map.of("model_type", "gpt2"), null)));
        assertFalse(loader.accepts(new ModelConfig(Map.of(), null)));
    }

    @Test
    void tiedByDefaultWithEitherPrefix() {
        for (String name : List.of("transformer.word_embeddings.weight", "word_embeddings.weight")) {
            Matrix emb = BloomCheckpoints.matrix(name, 12, 4, 1);
            LoadedModel m = loader.load(BloomCheckpoints.checkpoint(BloomCheckpoints.config(), emb));
            assertSame(emb, m.embedding());
            assertSame(emb, m.unembedding());
            assertTrue(m.tied());
            assertEquals("bloom", m.loader());
            assertEquals("BloomForCausalLM", m.architecture());
            assertEquals(4, m.hiddenSize());
            assertEquals(OptionalInt.of(10), m.tokenizerVocab());
            assertEquals(2, m.paddedRows(MatrixKind.UNEMBEDDING));
            assertEquals(List.of(), m.warnings());
        }
    }

    @Test
    void aStoredHeadIsUsedWhenUntied() {
        Matrix emb = BloomCheckpoints.matrix("word_embeddings.weight", 12, 4, 1);
        Matrix head = BloomCheckpoints.matrix("lm_head.weight", 12, 4, 2);
        LoadedModel m = loader.load(BloomCheckpoints.checkpoint(untied(), emb, head));
        assertSame(head, m.unembedding());
        assertFalse(m.tied());
        assertEquals(List.of(), m.warnings());
    }

    /** BLOOM ties by default, so an untied config without a head falls back to the embedding, and says so. */
    @Test
    void anUntiedConfigWithoutAHeadAnalysesTheEmbeddingWithAWarning() {
        Matrix emb = BloomCheckpoints.matrix("word_embeddings.weight", 12, 4, 1);
        LoadedModel m = loader.load(BloomCheckpoints.checkpoint(untied(), emb));
        assertSame(emb, m.unembedding());
        assertEquals(1, m.warnings().size(), m.warnings().toString());
        assertTrue(m.warnings().get(0).contains("tie_word_embeddings false")
                && m.warnings().get(0).contains("lm_head.weight"), m.warnings().toString());
    }

    @Test
    void aStoredHeadThatDiffersFromATiedEmbeddingIsAnalysedWithAWarning() {
        Matrix emb = BloomCheckpoints.matrix("word_embeddings.weight", 12, 4, 1);
        Matrix head = BloomCheckpoints.matrix("lm_head.weight", 12, 4, 2);
        LoadedModel m = loader.load(BloomCheckpoints.checkpoint(BloomCheckpoints.config(), emb, head));
        assertSame(head, m.unembedding());
        assertTrue(m.tied());
        assertEquals(1, m.warnings().size(), m.warnings().toString());
        assertTrue(m.warnings().get(0).contains("differs from word_embeddings.weight"), m.warnings().toString());
    }

    private static Map<String, Object> untied() {
        Map<String, Object> untied = new HashMap<>(BloomCheckpoints.config());
        untied.put("tie_word_embeddings", false);
        return untied;
    }

    @Test
    void missingEmbeddingNamesTheNamesTried() {
        BadInputException e = assertThrows(BadInputException.class, () -> loader.load(BloomCheckpoints.checkpoint(
                BloomCheckpoints.config(), BloomCheckpoints.matrix("h.0.weight", 3, 3, 1))));
        assertTrue(e.getMessage().contains("transformer.word_embeddings.weight, word_embeddings.weight"),
                e.getMessage());
    }

    @Test
    void olderConfigsCallTheHiddenSizeNEmbed() {
        Matrix emb = BloomCheckpoints.matrix("word_embeddings.weight", 12, 4, 1);
        LoadedModel m = loader.load(BloomCheckpoints.checkpoint(Map.of("model_type", "bloom", "n_embed", 4), emb));
        assertEquals(4, m.hiddenSize());
        assertEquals("bloom", m.architecture());
    }
}
