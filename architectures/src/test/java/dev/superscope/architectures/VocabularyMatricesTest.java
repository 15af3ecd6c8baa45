package dev.superscope.architectures;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.testing.MemoryTensorStore;
import dev.superscope.testing.TestModels;
import dev.superscope.plugins.architecture.VocabularyMatrices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyMatricesTest {
    /** A family that ties by default, like GPT-2. */
    private static final ArchitectureSpec TIES = new ArchitectureSpec("ties", Set.of("ties"), Set.of("TiesForCausalLM"),
            List.of("model.emb.weight", "emb.weight"), List.of("head.weight"), List.of("n_embd", "hidden_size"),
            List.of("n_embd"), true);
    /** A family that does not, like GPT-NeoX. */
    private static final ArchitectureSpec UNTIES = new ArchitectureSpec("unties", Set.of("unties"), Set.of(),
            List.of("emb.weight"), List.of("head.weight"), List.of("hidden_size"), List.of("hidden_size"), false);

    @Test
    void tiedWithoutHeadUsesTheEmbeddingAsHead() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 4, 1);
        LoadedModel m = loadTying(Map.of("n_embd", 4), emb);
        assertSame(emb, m.embedding());
        assertSame(emb, m.unembedding());
        assertTrue(m.tied());
        assertEquals(4, m.hiddenSize());
        assertEquals(List.of(), m.warnings());
        assertEquals("ties", m.loader());
        assertEquals("ties", m.architecture(), "no architectures nor model_type: the loader's name");
    }

    @Test
    void prefixAlternativesAreTriedInOrder() {
        Matrix prefixed = TestModels.gaussian("model.emb.weight", 6, 3, 1);
        Matrix bare = TestModels.gaussian("emb.weight", 6, 3, 2);
        LoadedModel both = loadTying(Map.of("n_embd", 3), prefixed, bare);
        assertEquals("model.emb.weight", both.embedding().name());
        LoadedModel onlyBare = loadTying(Map.of("n_embd", 3), bare);
        assertEquals("emb.weight", onlyBare.embedding().name());
    }

    @Test
    void missingEmbeddingNamesTheCheckpointAndEveryNameTried() {
        Matrix other = TestModels.gaussian("something.else", 3, 2, 1);
        BadInputException e = assertThrows(BadInputException.class, () -> loadTying(Map.of(), other));
        assertEquals(Path.of("synthetic"), e.file());
        assertTrue(e.getMessage().contains("model.emb.weight") && e.getMessage().contains("emb.weight")
                && e.getMessage().contains("memory"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void untiedWithHeadUsesIt() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 4, 1);
        Matrix head = TestModels.gaussian("head.weight", 10, 4, 2);
        LoadedModel m = VocabularyMatrices.load(TestModels.inMemory(Map.of("hidden_size", 4), OptionalInt.empty(),
                emb, head), UNTIES);
        assertSame(head, m.unembedding());
        assertSame(emb, m.embedding());
        assertFalse(m.tied());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void untiedByDefaultWithoutHeadIsAnError() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 4, 1);
        BadInputException e = assertThrows(BadInputException.class, () -> VocabularyMatrices.load(
                TestModels.inMemory(Map.of("hidden_size", 4), OptionalInt.empty(), emb), UNTIES));
        assertTrue(e.getMessage().contains("head.weight") && e.getMessage().contains("defaults to false"),
                e.getMessage());
        BadInputException explicit = assertThrows(BadInputException.class, () -> VocabularyMatrices.load(
                TestModels.inMemory(Map.of("hidden_size", 4, "tie_word_embeddings", false), OptionalInt.empty(),
                        emb), UNTIES));
        assertTrue(explicit.getMessage().contains("is false"), explicit.getMessage());
    }

    @Test
    void configTiedOverridesAnUntiedDefault() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 4, 1);
        LoadedModel m = VocabularyMatrices.load(TestModels.inMemory(Map.of("hidden_size", 4,
                "tie_word_embeddings", true), OptionalInt.empty(), emb), UNTIES);
        assertTrue(m.tied());
        assertSame(emb, m.unembedding());
    }

    @Test
    void configUntiedButNoHeadInATyingFamilyWarnsAndUsesTheEmbedding() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 4, 1);
        LoadedModel m = loadTying(Map.of("n_embd", 4, "tie_word_embeddings", false), emb);
        assertSame(emb, m.unembedding());
        assertTrue(m.tied());
        assertEquals(1, m.warnings().size(), m.warnings().toString());
        assertTrue(m.warnings().get(0).contains("tie_word_embeddings false"), m.warnings().get(0));
    }

    @Test
    void tiedWithAnEqualStoredHeadUsesTheHeadWithoutWarning() {
        Matrix emb = TestModels.gaussian("emb.weight", 50, 4, 1);
        Matrix head = TestModels.gaussian("head.weight", 50, 4, 1);
        LoadedModel m = loadTying(Map.of("n_embd", 4), emb, head);
        assertSame(head, m.unembedding());
        assertTrue(m.tied());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void tiedWithADifferentStoredHeadWarnsAndUsesTheHead() {
        Matrix emb = TestModels.gaussian("emb.weight", 50, 4, 1);
        float[] values = emb.rowsAsFloats(0, 50);
        values[49 * 4 + 3] += 1f; // only the last row differs: the sample must include it
        Matrix head = Matrices.ofFloats("head.weight", 50, 4, values);
        LoadedModel m = loadTying(Map.of("n_embd", 4, "tie_word_embeddings", true), emb, head);
        assertSame(head, m.unembedding());
        assertTrue(m.tied());
        assertEquals(1, m.warnings().size(), m.warnings().toString());
        assertTrue(m.warnings().get(0).contains("row 49 differs") && m.warnings().get(0).contains("head.weight"),
                m.warnings().get(0));
    }

    @Test
    void firstDifferenceComparesShapesAndDecodesDifferentDtypes() {
        Matrix a = TestModels.gaussian("a", 5, 3, 1);
        assertTrue(VocabularyMatrices.firstDifference(a, TestModels.gaussian("b", 5, 2, 1)).orElseThrow()
                .contains("shape"));
        // The same values as BF16-representable floats stored as F32 and as BF16 compare equal.
        float[] v = {1f, -2f, 0.5f, 3f, 0.25f, -0.125f};
        ByteBuffer bf16 = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            bf16.putShort((short) (Float.floatToIntBits(x) >>> 16));
        }
        Matrix asF32 = Matrices.ofFloats("f32", 2, 3, v);
        Matrix asBf16 = Matrices.ofBuffer("bf16", DType.BF16, 2, 3, bf16.flip());
        assertTrue(VocabularyMatrices.firstDifference(asF32, asBf16).isEmpty());
        v[4] = 7f;
        assertEquals("row 1 differs", VocabularyMatrices.firstDifference(Matrices.ofFloats("f32", 2, 3, v), asBf16)
                .orElseThrow());
    }

    @Test
    void hiddenSizeFallsBackToTheMatrixWidthWithAWarning() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 6, 1);
        LoadedModel m = loadTying(Map.of(), emb);
        assertEquals(6, m.hiddenSize());
        assertEquals(1, m.warnings().size());
        assertTrue(m.warnings().get(0).contains("n_embd or hidden_size"), m.warnings().get(0));
    }

    @Test
    void disagreementsBetweenConfigAndTensorsAreWarnings() {
        Matrix emb = TestModels.gaussian("emb.weight", 10, 6, 1);
        LoadedModel m = loadTying(Map.of("n_embd", 8, "vocab_size", 12), emb);
        assertEquals(8, m.hiddenSize(), "the config's hidden size is reported as is");
        assertEquals(6, m.embedding().cols(), "m is the matrix's width");
        assertEquals(2, m.warnings().size(), m.warnings().toString());
        assertTrue(m.warnings().stream().anyMatch(w -> w.contains("n_embd 8") && w.contains("6 columns")));
        assertTrue(m.warnings().stream().anyMatch(w -> w.contains("vocab_size 12") && w.contains("10 rows")));
    }

    @Test
    void tokenizerVocabularyIsPassedOnAndPaddingFollows() {
        Matrix emb = TestModels.gaussian("emb.weight", 12, 4, 1);
        Matrix head = TestModels.gaussian("head.weight", 12, 4, 2);
        LoadedModel m = VocabularyMatrices.load(TestModels.inMemory(Map.of("hidden_size", 4), OptionalInt.of(9),
                emb, head), UNTIES);
        assertEquals(OptionalInt.of(9), m.tokenizerVocab());
        assertEquals(3, m.paddedRows(MatrixKind.UNEMBEDDING));
        LoadedModel tooFewRows = VocabularyMatrices.load(TestModels.inMemory(Map.of("hidden_size", 4),
                OptionalInt.of(13), emb, head), UNTIES);
        assertTrue(tooFewRows.warnings().stream().anyMatch(w -> w.contains("13 token ids")),
                tooFewRows.warnings().toString());
    }

    @Test
    void aTensorThatIsNotAMatrixIsBadInput() {
        Checkpoint cp = new Checkpoint("x", Path.of("x"), new ModelConfig(Map.of(), Path.of("x/config.json")),
                new MemoryTensorStore().withOther(new TensorInfo("emb.weight", DType.F32, new long[] {4}, "memory")),
                dev.superscope.plugins.TokenizerInfo.none());
        assertThrows(BadInputException.class, () -> VocabularyMatrices.load(cp, TIES));
    }

    @Test
    void acceptsByModelTypeOrArchitecture() {
        assertTrue(TIES.accepts(new ModelConfig(Map.of("model_type", "ties"), null)));
        assertTrue(TIES.accepts(new ModelConfig(Map.of("architectures", List.of("Other", "TiesForCausalLM")), null)));
        assertFalse(TIES.accepts(new ModelConfig(Map.of("model_type", "unties"), null)));
        assertFalse(TIES.accepts(new ModelConfig(Map.of(), null)));
    }

    private static LoadedModel loadTying(Map<String, Object> config, Matrix... matrices) {
        return VocabularyMatrices.load(TestModels.inMemory(config, OptionalInt.empty(), matrices), TIES);
    }
}
