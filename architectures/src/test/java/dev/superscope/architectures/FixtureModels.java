package dev.superscope.architectures;

import dev.superscope.testing.TestModels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Plugins;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Opens fixture checkpoints the way the command line does and checks them against their PROVENANCE.md. */
public final class FixtureModels {
    private FixtureModels() {
    }

    /** Opens {@code checkpoints/<name>} and loads it with the loader its config.json asks for. */
    public static LoadedModel load(String name) {
        Path dir = Fixtures.checkpoint(name);
        Checkpoint cp = CheckpointOpener.open(dir, name);
        return Plugins.discover(FixtureModels.class.getClassLoader()).architectureFor(cp.config()).load(cp);
    }

    /** What a fixture's PROVENANCE.md says about its matrices. */
    public record Expected(String loader, String architecture, long n, int m, boolean tied, String embedding,
                           String unembedding, int hiddenSize, OptionalInt tokenizerVocab, double unembeddingNormMean,
                           double unembeddingNormStd) {
    }

    /** Asserts every field, and the unembedding's row-norm mean and (population) std to relative 1e-6. */
    public static void check(Expected e, LoadedModel m) {
        assertEquals(e.loader(), m.loader(), "loader");
        assertEquals(e.architecture(), m.architecture(), "architecture");
        assertEquals(e.embedding(), m.embedding().name(), "embedding tensor");
        assertEquals(e.unembedding(), m.unembedding().name(), "unembedding tensor");
        assertEquals(e.tied(), m.tied(), "tied");
        assertEquals(e.n(), m.embedding().rows(), "embedding n");
        assertEquals(e.n(), m.unembedding().rows(), "unembedding n");
        assertEquals(e.m(), m.embedding().cols(), "embedding m");
        assertEquals(e.m(), m.unembedding().cols(), "unembedding m");
        assertEquals(e.hiddenSize(), m.hiddenSize(), "hidden size");
        assertEquals(e.tokenizerVocab(), m.tokenizerVocab(), "tokenizer vocabulary");
        assertEquals(e.unembeddingNormMean(), TestModels.meanRowNorm(m.unembedding()),
                1e-6 * e.unembeddingNormMean(), "row-norm mean of the unembedding");
        assertEquals(e.unembeddingNormStd(), TestModels.stdRowNorm(m.unembedding()),
                1e-6 * e.unembeddingNormStd(), "row-norm std of the unembedding");
    }
}
