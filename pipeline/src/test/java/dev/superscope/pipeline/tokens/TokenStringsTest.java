package dev.superscope.pipeline.tokens;

import dev.superscope.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.TokenizerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token text from the real GPT-2 tokenizer files, through DJL's HuggingFace tokenizers. */
class TokenStringsTest {

    private static void assertGpt2(IntFunction<String> text) {
        assertEquals(" the", text.apply(262));
        assertEquals("The", text.apply(464));
        assertEquals("<|endoftext|>", text.apply(50256));
        assertEquals("", text.apply(50257), "ids past the vocabulary decode to nothing");
    }

    @Test
    void fromTokenizerJson() {
        Path dir = Fixtures.root().resolve("tokenizers/gpt2");
        TokenizerInfo info = new TokenizerInfo(OptionalInt.of(50257), Optional.of(dir.resolve("tokenizer.json")),
                Optional.empty(), Optional.empty());
        assertGpt2(TokenStrings.load(info, 50258).orElseThrow());
    }

    /** GPT-2 and OPT repositories on the hub ship only vocab.json + merges.txt. */
    @Test
    void fromVocabAndMergesAlone(@TempDir Path tmp) throws IOException {
        Path dir = Fixtures.root().resolve("tokenizers/gpt2");
        TokenizerInfo info = new TokenizerInfo(OptionalInt.of(50257), Optional.empty(),
                Optional.of(dir.resolve("vocab.json")), Optional.of(dir.resolve("merges.txt")));
        assertGpt2(TokenStrings.load(info, 50258).orElseThrow());
        Path written = TokenStrings.byteLevelBpe(dir.resolve("vocab.json"), dir.resolve("merges.txt"),
                tmp.resolve("tokenizer.json"));
        assertTrue(Files.size(written) > 1_000_000);
    }

    /** BERT's WordPiece vocab.txt: the entries as written, ## pieces and [unusedN] included. */
    @Test
    void fromTheRealBertVocabTxt(@TempDir Path tmp) {
        Path vocab = dev.superscope.testing.EncoderCheckpoints.copyVocab(tmp.resolve("vocab.txt"));
        TokenizerInfo info = new TokenizerInfo(OptionalInt.of(30522), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(vocab));
        IntFunction<String> text = TokenStrings.load(info, 30522).orElseThrow();
        assertEquals("[PAD]", text.apply(0));
        assertEquals("[unused0]", text.apply(1));
        assertEquals("[CLS]", text.apply(101));
        assertEquals("the", text.apply(1996));
        assertEquals("##ing", text.apply(2075));
        assertEquals("##\uff5e", text.apply(30521));
        assertEquals("", text.apply(30522));
        assertEquals(30522, TokenStrings.vocabTxtEntries(vocab).length);
    }

    @Test
    void vocabTxtLinesAreKeptAsWritten(@TempDir Path tmp) throws IOException {
        Path vocab = Files.writeString(tmp.resolve("vocab.txt"), "a\n\n##b \nc");
        assertEquals(java.util.List.of("a", "", "##b ", "c"), java.util.List.of(TokenStrings.vocabTxtEntries(vocab)));
        Files.writeString(vocab, "a\nb\n");
        assertEquals(2, TokenStrings.vocabTxtEntries(vocab).length, "a final newline ends the last entry");
    }

    @Test
    void noTokenizerMeansNoText() {
        assertTrue(TokenStrings.load(TokenizerInfo.none(), 10).isEmpty());
    }
}
