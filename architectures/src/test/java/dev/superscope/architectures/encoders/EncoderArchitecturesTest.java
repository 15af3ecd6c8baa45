package dev.superscope.architectures.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.testing.EncoderCheckpoints;
import dev.superscope.testing.EncoderCheckpoints.Family;
import dev.superscope.testing.EncoderCheckpoints.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * BERT, RoBERTa and DistilBERT checkpoints laid out as transformers saves them (see
 * {@link EncoderCheckpoints}): each is detected by its own loader from config.json, reads the word
 * embeddings and the masked-LM decoder under their exact names, ties as the checkpoint says, and a bare
 * encoder has no unembedding.
 */
class EncoderArchitecturesTest {
    private static final Map<Family, String> LOADER = Map.of(Family.BERT, "bert", Family.ROBERTA, "roberta",
            Family.DISTILBERT, "distilbert");

    @TempDir
    Path dir;

    private final Plugins plugins = Plugins.discover(getClass().getClassLoader());

    private LoadedModel load(Family family, Layout layout) {
        Path ckpt = EncoderCheckpoints.write(dir.resolve(family + "-" + layout), family, layout);
        Checkpoint cp = CheckpointOpener.open(ckpt, ckpt.getFileName().toString());
        Architecture architecture = plugins.architectureFor(cp, null);
        assertEquals(LOADER.get(family), architecture.name(), "detected from config.json");
        return architecture.load(cp);
    }

    private static OptionalInt tokenizerVocab(Family family) {
        return family == Family.ROBERTA ? OptionalInt.empty() : OptionalInt.of(EncoderCheckpoints.BERT_VOCAB);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void theSavedMaskedLmTiesItsDroppedDecoderToTheWordEmbeddings(Family family) {
        LoadedModel m = load(family, Layout.MASKED_LM_TIED);
        try {
            assertEquals(family.wordEmbeddings(Layout.MASKED_LM_TIED), m.embedding().name());
            assertTrue(m.embedding().name().startsWith(family.name().toLowerCase() + "."), "prefixed: " + m.embedding().name());
            assertSame(m.embedding(), m.unembedding(), "the decoder is the word embedding");
            assertTrue(m.tied());
            assertEquals(family.vocab, m.embedding().rows());
            assertEquals(EncoderCheckpoints.WIDTH, m.embedding().cols());
            assertEquals(EncoderCheckpoints.WIDTH, m.hiddenSize());
            assertEquals(tokenizerVocab(family), m.tokenizerVocab());
            assertEquals(List.of(), m.warnings());
            assertArrayEquals(EncoderCheckpoints.wordEmbeddings(family),
                    m.embedding().rowsAsFloats(0, family.vocab));
            assertFalse(plugins.architecture(LOADER.get(family)).hasForwardPass());
        } finally {
            m.checkpoint().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aStoredDecoderIsAnalysedAndStillTied(Family family) {
        LoadedModel m = load(family, Layout.MASKED_LM_DECODER_STORED);
        try {
            assertEquals(family.decoder, m.unembedding().name());
            assertTrue(m.tied());
            assertEquals(List.of(), m.warnings(), "equal to the embedding: nothing to say");
            assertArrayEquals(EncoderCheckpoints.storedDecoder(family, Layout.MASKED_LM_DECODER_STORED),
                    m.unembedding().rowsAsFloats(0, family.vocab));
        } finally {
            m.checkpoint().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aStoredDecoderThatDiffersWhileTiedIsWarnedAbout(Family family) {
        LoadedModel m = load(family, Layout.MASKED_LM_STORED_DIFFERENT);
        try {
            assertEquals(family.decoder, m.unembedding().name());
            assertEquals(1, m.warnings().size(), m.warnings().toString());
            assertTrue(m.warnings().get(0).contains("differs") && m.warnings().get(0).contains(family.decoder),
                    m.warnings().get(0));
        } finally {
            m.checkpoint().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void anUntiedDecoderIsItsOwnMatrix(Family family) {
        LoadedModel m = load(family, Layout.MASKED_LM_UNTIED);
        try {
            assertFalse(m.tied());
            assertEquals(family.decoder, m.unembedding().name());
            assertArrayEquals(EncoderCheckpoints.storedDecoder(family, Layout.MASKED_LM_UNTIED),
                    m.unembedding().rowsAsFloats(0, family.vocab));
        } finally {
            m.checkpoint().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aBareEncoderHasOnlyItsEmbedding(Family family) {
        LoadedModel m = load(family, Layout.BARE);
        try {
            assertEquals("embeddings.word_embeddings.weight", m.embedding().name(), "a bare model has no prefix");
            assertFalse(m.has(MatrixKind.UNEMBEDDING));
            assertFalse(m.tied());
            BadInputException e = assertThrows(BadInputException.class, () -> m.matrix(MatrixKind.UNEMBEDDING));
            assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().contains("no LM head") && e.getMessage().contains("--matrix embedding")
                    && e.getMessage().contains(family.decoder), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
            assertArrayEquals(EncoderCheckpoints.wordEmbeddings(family), m.embedding().rowsAsFloats(0, family.vocab));
        } finally {
            m.checkpoint().close();
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void thereIsNoForwardPassAndSaysSo(Family family) {
        Path ckpt = EncoderCheckpoints.write(dir.resolve("fw-" + family), family, Layout.MASKED_LM_TIED);
        try (Checkpoint cp = CheckpointOpener.open(ckpt, "fw")) {
            Architecture a = plugins.architectureFor(cp, null);
            BadInputException e = assertThrows(BadInputException.class,
                    () -> a.forward(cp, ForwardSettings.of(dev.superscope.plugins.architecture.ForwardPrecision.FLOAT32)));
            assertTrue(e.getMessage().contains("no forward pass"), e.getMessage());
        }
    }
}
