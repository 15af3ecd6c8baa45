package dev.superscope.architectures.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.architectures.FixtureModels;
import dev.superscope.architectures.FixtureModels.Expected;
import dev.superscope.testing.TestModels;
import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class Gpt2ArchitectureTest {
    /** tiny_gpt2.bin, whole or sharded: no config.json, keys without the transformer. prefix. */
    private static final Expected TORCH_BIN = new Expected("gpt2", "gpt2", 11, 8, true, "wte.weight", "wte.weight",
            8, OptionalInt.empty(), 1.0139228, 0.189835784);

    /** The matrices of gpt2-m16 (its real vocabulary and tokenizer) are checked in FixtureMatricesTest. */
    @Test
    void gpt2WithTheRealVocabularyHasOneTiedMatrixAndNoPaddedRows() {
        LoadedModel m = FixtureModels.load("gpt2-m16");
        assertSame(m.embedding(), m.unembedding(), "tied and no lm_head stored: one matrix");
        assertEquals(0, m.paddedRows(MatrixKind.UNEMBEDDING));
        m.checkpoint().close();
    }

    @Test
    void aPyTorchBinWithoutConfigLoadsWhenTheLoaderIsNamed() {
        Path file = Fixtures.checkpoint("torch-bin").resolve("tiny_gpt2.bin");
        Plugins plugins = Plugins.discover(getClass().getClassLoader());
        try (Checkpoint cp = CheckpointOpener.open(file, "tiny_gpt2.bin")) {
            BadInputException e = assertThrows(BadInputException.class, () -> plugins.architectureFor(cp, null));
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("--loader"), e.getMessage());
            LoadedModel m = plugins.architectureFor(cp, "gpt2").load(cp);
            FixtureModels.check(TORCH_BIN, m);
            assertEquals(1, m.warnings().size(), "the hidden size had to come from the matrix: " + m.warnings());
        }
    }

    @Test
    void theShardedPyTorchBinGivesTheSameMatrix() {
        Path dir = Fixtures.checkpoint("torch-bin");
        assertEquals(dir.resolve("tiny_gpt2.bin.index.json"), CheckpointOpener.weightsFile(dir));
        float[] whole;
        try (Checkpoint cp = CheckpointOpener.open(dir.resolve("tiny_gpt2.bin"), "whole")) {
            whole = new Gpt2Architecture().load(cp).unembedding().rowsAsFloats(0, 11);
        }
        try (Checkpoint cp = CheckpointOpener.open(dir, "torch-bin")) {
            LoadedModel m = new Gpt2Architecture().load(cp);
            FixtureModels.check(TORCH_BIN, m);
            assertArrayEquals(whole, m.unembedding().rowsAsFloats(0, 11));
        }
    }

    @Test
    void aStoredHeadIsUsedAndBothPrefixesAreAccepted() {
        Matrix wte = TestModels.gaussian("wte.weight", 20, 4, 1);
        Matrix head = TestModels.gaussian("lm_head.weight", 20, 4, 1);
        LoadedModel m = new Gpt2Architecture().load(TestModels.inMemory(Map.of("model_type", "gpt2", "n_embd", 4),
                OptionalInt.empty(), wte, head));
        assertSame(wte, m.embedding());
        assertSame(head, m.unembedding());
        assertTrue(m.tied());
        assertEquals(List.of(), m.warnings());
    }
}
