package dev.superscope.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.TokenizerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerFilesTest {
    @TempDir
    Path dir;

    @Test
    void tokenizerJsonCountsVocabAndAddedTokens() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": ["
                + "{\"id\": 0, \"content\": \"<s>\", \"special\": true}, {\"content\": \"<pad>\", \"id\": 9}],"
                + " \"normalizer\": null, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"c\": 5},"
                + " \"merges\": [\"a b\", [\"b\", \"c\"]]}}");
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1000}");
        TokenizerInfo info = TokenizerFiles.read(dir);
        assertEquals(OptionalInt.of(10), info.vocabSize(), "tokenizer.json wins over vocab.json");
        assertEquals(Optional.of(dir.resolve("tokenizer.json")), info.tokenizerJson());
        assertEquals(Optional.of(dir.resolve("vocab.json")), info.vocabJson());
        assertEquals(Optional.empty(), info.mergesTxt());
    }

    @Test
    void unigramVocabIdsArePositions() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": [[\"<unk>\", 0.0],"
                + " [\"a\", -1.5], [\"b\", -2.0]]}, \"added_tokens\": []}");
        assertEquals(OptionalInt.of(3), TokenizerFiles.vocabSizeOfTokenizerJson(file));
    }

    @Test
    void vocabJsonWithAddedTokens() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"c\": 2}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\n");
        assertEquals(OptionalInt.of(3), TokenizerFiles.read(dir).vocabSize());
        Files.writeString(dir.resolve("added_tokens.json"), "{\"<extra>\": 4}");
        TokenizerInfo info = TokenizerFiles.read(dir);
        assertEquals(OptionalInt.of(5), info.vocabSize());
        assertEquals(Optional.of(dir.resolve("merges.txt")), info.mergesTxt());
    }

    @Test
    void aWordPieceVocabTxtCountsLinesAsTransformersDoes() throws IOException {
        Path vocab = dir.resolve("vocab.txt");
        Files.writeString(vocab, "[PAD]\n[UNK]\n\nthe\n##ing\n");
        assertEquals(OptionalInt.of(5), TokenizerFiles.vocabSizeOfVocabTxt(vocab), "an empty line is a token");
        Files.writeString(vocab, "[PAD]\n[UNK]\nthe");
        assertEquals(OptionalInt.of(3), TokenizerFiles.vocabSizeOfVocabTxt(vocab), "a last line without newline");
        TokenizerInfo info = TokenizerFiles.read(dir);
        assertEquals(OptionalInt.of(3), info.vocabSize());
        assertEquals(Optional.of(vocab), info.vocabTxt());
        Files.writeString(vocab, "");
        assertEquals(OptionalInt.empty(), TokenizerFiles.vocabSizeOfVocabTxt(vocab));
    }

    @Test
    void theRealBertVocabularyHas30522Ids() {
        Path vocab = dev.superscope.testing.EncoderCheckpoints.copyVocab(dir.resolve("vocab.txt"));
        assertEquals(OptionalInt.of(30522), TokenizerFiles.read(dir).vocabSize());
        assertEquals(Optional.of(vocab), TokenizerFiles.read(dir).vocabTxt());
    }

    @Test
    void noTokenizerFilesMeansUnknown() {
        assertEquals(TokenizerInfo.none(), TokenizerFiles.read(dir));
    }

    @Test
    void malformedTokenizerFilesAreBadInput() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        for (String bad : new String[] {"{\"model\": {\"vocab\": {\"a\": -1}}}", "{\"model\": {\"vocab\": {\"a\": \"x\"}}}",
                "{\"model\": {\"vocab\": {\"a\": 1.5}}}", "{\"added_tokens\": [{\"id\": true}]}", "{\"added_tokens\": [3]}",
                "{\"model\": {\"vocab\": {\"a\": 99999999999}}}", "[1]", "{\"model\": ", "{} []",
                "{\"model\": {\"vocab\": {\"a\": 1, \"a\": 2}}}"}) {
            Files.writeString(file, bad);
            BadInputException e = assertThrows(BadInputException.class, () -> TokenizerFiles.read(dir), bad);
            assertEquals(file, e.file(), bad);
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void realTokenizerFiles() {
        Path fixtures = Fixtures.root();
        // GPT-2: 50257 ids, whichever file defines them.
        TokenizerInfo gpt2 = TokenizerFiles.read(fixtures.resolve("checkpoints/gpt2-m16"));
        assertEquals(OptionalInt.of(50257), gpt2.vocabSize());
        assertTrue(gpt2.mergesTxt().isPresent() && gpt2.vocabJson().isPresent());
        Path shared = fixtures.resolve("tokenizers/gpt2");
        assertEquals(OptionalInt.of(50257), TokenizerFiles.vocabSizeOfTokenizerJson(shared.resolve("tokenizer.json")));
        assertEquals(OptionalInt.of(50257), TokenizerFiles.vocabSizeOfVocabJson(shared.resolve("vocab.json"),
                Optional.empty()));
        // GPT-NeoX-20B / Pythia: 50254 BPE entries + added tokens up to id 50276 -> 50277 ids.
        assertEquals(OptionalInt.of(50277), TokenizerFiles.vocabSizeOfTokenizerJson(
                fixtures.resolve("tokenizers/gptneox-20b/20B_tokenizer.json")));
    }
}
