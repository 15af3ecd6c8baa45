package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Metric;
import dev.superscope.plugins.SuperscopeException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ModelResultTest {

    private static AnalysisResult result(String analyzer, Metric... metrics) {
        return new AnalysisResult(analyzer, List.of(metrics), Map.of(), Map.of());
    }

    @Test
    void mergesMetricsOfAllAnalyzersInOrderAndRecordsIdentity() {
        LoadedModel loaded = Rows.loaded(12, 4, false, OptionalInt.of(10));
        ModelResult r = ModelResult.of("org/tiny-model", "tiny", loaded, MatrixKind.UNEMBEDDING, RowSelection.ALL,
                List.of(result("norms", new Metric("norm_mean", 1.5), new Metric("zero_rows", 0)),
                        result("overlap", new Metric("msq_overlap", 0.25), new Metric("zero_rows", 0))));
        assertEquals(List.of("norm_mean", "zero_rows", "msq_overlap"), List.copyOf(r.metrics().keySet()));
        assertEquals(0.25, r.metric("msq_overlap"));
        assertTrue(Double.isNaN(r.metric("decode_error_rate")));
        assertFalse(r.has("decode_error_rate"));
        assertEquals("org/tiny-model", r.model());
        assertEquals("tiny", r.family());
        assertEquals("gpt2", r.loader());
        assertEquals("unembedding", r.matrix());
        assertFalse(r.tied());
        assertEquals(12, r.n());
        assertEquals(4, r.m());
        assertEquals("F32", r.dtype());
        assertEquals(OptionalInt.of(8), r.hiddenSize());
        assertEquals(OptionalInt.of(10), r.tokenizerVocab());
        assertEquals(2, r.paddedRows());
        assertEquals("all", r.rowsUsed());
        assertEquals("lm_head.weight", r.tensor());
        assertEquals("GPT2LMHeadModel", r.architecture());
        assertEquals("org/tiny-model", r.source());
    }

    @Test
    void tokenizerRowsAreWhatIsAnalysedAndRecorded() {
        LoadedModel loaded = Rows.loaded(12, 4, true, OptionalInt.of(10));
        assertEquals(10, RowSelection.TOKENIZER.apply(loaded, MatrixKind.EMBEDDING).rows());
        assertEquals(12, RowSelection.ALL.apply(loaded, MatrixKind.EMBEDDING).rows());
        ModelResult r = ModelResult.of("m", "f", loaded, MatrixKind.EMBEDDING, RowSelection.TOKENIZER, List.of());
        assertEquals(10, r.n());
        assertEquals(2, r.paddedRows());
        assertEquals("tokenizer", r.rowsUsed());
        assertEquals("embedding", r.matrix());
        assertTrue(r.tied());
        assertEquals("transformer.wte.weight", r.tensor());
    }

    @Test
    void tokenizerSelectionWithoutATokenizerAnalysesEveryRowAndSaysSo() {
        LoadedModel loaded = Rows.loaded(12, 4, true, OptionalInt.empty());
        assertEquals(12, RowSelection.TOKENIZER.apply(loaded, MatrixKind.UNEMBEDDING).rows());
        ModelResult r = ModelResult.of("m", "f", loaded, MatrixKind.UNEMBEDDING, RowSelection.TOKENIZER, List.of());
        assertEquals(12, r.n());
        assertEquals("all", r.rowsUsed());
        assertEquals(0, r.paddedRows());
    }

    @Test
    void analyzersThatDisagreeOnAMetricAreAnError() {
        LoadedModel loaded = Rows.loaded(12, 4, true, OptionalInt.empty());
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> ModelResult.of("m", "f", loaded,
                MatrixKind.UNEMBEDDING, RowSelection.ALL, List.of(result("norms", new Metric("zero_rows", 1)),
                        result("overlap", new Metric("zero_rows", 2)))));
        assertTrue(e.getMessage().contains("'norms' and 'overlap' disagree on zero_rows"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        // NaN from both agrees; a rounding-level difference agrees.
        ModelResult ok = ModelResult.of("m", "f", loaded, MatrixKind.UNEMBEDDING, RowSelection.ALL, List.of(
                result("a", new Metric("x", Double.NaN), new Metric("y", 0.1 + 0.2)),
                result("b", new Metric("x", Double.NaN), new Metric("y", 0.3))));
        assertTrue(Double.isNaN(ok.metric("x")));
        // NaN against a number does not.
        assertThrows(SuperscopeException.class, () -> ModelResult.of("m", "f", loaded, MatrixKind.UNEMBEDDING,
                RowSelection.ALL, List.of(result("a", new Metric("x", Double.NaN)), result("b", new Metric("x", 1)))));
    }

    @Test
    void aMetricMayNotTakeTheNameOfAnIdentityColumn() {
        SuperscopeException e = assertThrows(SuperscopeException.class,
                () -> Rows.row("m", "f", "unembedding", 4, "model", 1.0));
        assertTrue(e.getMessage().contains("'model'"), e.getMessage());
        assertThrows(SuperscopeException.class, () -> Rows.row("m", "f", "unembedding", 4, "padded_rows", 1.0));
    }

    @Test
    void rowSelectionParsesTheCommandLineNames() {
        assertEquals(RowSelection.ALL, RowSelection.parse("all"));
        assertEquals(RowSelection.TOKENIZER, RowSelection.parse(" Tokenizer "));
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> RowSelection.parse("some"));
        assertEquals(SuperscopeException.USAGE, e.exitCode());
    }
}
