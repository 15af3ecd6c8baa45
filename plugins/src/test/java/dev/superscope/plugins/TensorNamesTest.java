package dev.superscope.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorNamesTest {
    private static final List<String> BERT = List.of("bert.embeddings.word_embeddings.weight",
            "bert.embeddings.position_embeddings.weight", "bert.embeddings.token_type_embeddings.weight",
            "bert.embeddings.LayerNorm.weight", "bert.encoder.layer.0.attention.self.query.weight",
            "cls.predictions.bias", "cls.predictions.transform.dense.weight");

    @Test
    void aTypoFindsTheNameFirst() {
        List<String> near = TensorNames.similar("bert.embeddings.word_embedding.weight", BERT, 5);
        assertEquals("bert.embeddings.word_embeddings.weight", near.get(0));
        assertTrue(near.size() <= 5);
    }

    @Test
    void aMissingPrefixOrAPartOfTheNameFindsIt() {
        assertEquals("bert.embeddings.word_embeddings.weight",
                TensorNames.similar("embeddings.word_embeddings.weight", BERT, 5).get(0));
        assertEquals("bert.embeddings.word_embeddings.weight", TensorNames.similar("word_embeddings", BERT, 5).get(0));
    }

    @Test
    void quotedNamesCarryNoTerminalControlsAndStayShort() {
        // ESC, a C1 control (CSI), a bidi override and a line separator: each can forge or hide terminal text.
        String hostile = "a\u001b]0;title\u0007b\u009b2Jc\u202ed\u2028e" + "x".repeat(500);
        String quoted = TensorNames.quote(hostile);
        assertTrue(quoted.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x202e || c == 0x2028), quoted);
        assertTrue(quoted.length() <= 122 + 2, "about 120 characters: " + quoted.length());
        assertTrue(quoted.startsWith("\"a") && quoted.endsWith("\""), quoted);
    }

    @Test
    void nothingAlikeSuggestsNothing() {
        assertEquals(List.of(), TensorNames.similar("lm_head.weight", List.of("wte.weight", "wpe.weight"), 5));
    }

    @Test
    void editDistanceIsLevenshtein() {
        assertEquals(3, TensorNames.levenshtein("kitten", "sitting"));
        assertEquals(0, TensorNames.levenshtein("", ""));
        assertEquals(4, TensorNames.levenshtein("", "abcd"));
    }
}
