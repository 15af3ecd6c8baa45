package dev.superscope.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LoadedModelTest {

    @Test
    void aModelWithoutAnUnembeddingSaysSoWhenItIsAskedFor() {
        Matrix embedding = Matrices.ofFloats("embeddings.word_embeddings.weight", 2, 2, new float[] {1, 0, 0, 1});
        LoadedModel model = LoadedModel.withoutUnembedding(null, "bert", "BertModel", embedding, 2,
                OptionalInt.empty(), List.of(), "holds no LM head");
        assertTrue(model.has(MatrixKind.EMBEDDING));
        assertFalse(model.has(MatrixKind.UNEMBEDDING));
        assertSame(embedding, model.matrix(MatrixKind.EMBEDDING));
        BadInputException e = assertThrows(BadInputException.class, () -> model.matrix(MatrixKind.UNEMBEDDING));
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("holds no LM head") && e.getMessage().contains("--matrix embedding"),
                e.getMessage());
        assertThrows(BadInputException.class, model::unembedding);
        assertEquals(0, model.paddedRows(MatrixKind.EMBEDDING));
    }

    @Test
    void anUnembeddingAndAReasonForLackingOneExcludeEachOther() {
        Matrix m = Matrices.ofFloats("w", 1, 1, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> new LoadedModel(null, "l", "a", m, null, false, 1,
                OptionalInt.empty(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LoadedModel(null, "l", "a", m, m, false, 1,
                OptionalInt.empty(), List.of(), "why"));
    }
}
