package dev.superscope.reports;

import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import java.util.Locale;

/**
 * Which rows of a vocabulary matrix are analysed ({@code --rows all|tokenizer}). Pythia pads its 50277
 * tokens to 50304 rows; the padding rows were never trained and can be left out.
 *
 * <p>The CLI takes the matrix to analyse from {@link #apply} and {@link ModelResult#of} records the same
 * choice, so the two cannot disagree.
 */
public enum RowSelection {
    /** Every stored row. */
    ALL,
    /** Only the rows the tokenizer defines (all rows when the tokenizer's size is unknown). */
    TOKENIZER;

    /** The lower-case name used on the command line and in the {@code rows_used} column. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code all} or {@code tokenizer}. */
    public static RowSelection parse(String s) {
        for (RowSelection r : values()) {
            if (r.label().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return r;
            }
        }
        throw new SuperscopeException(SuperscopeException.USAGE, "--rows must be all or tokenizer, not '" + s + "'");
    }

    /**
     * What is actually applied to {@code model}: {@link #TOKENIZER} needs the tokenizer's vocabulary size,
     * and without it every row is analysed.
     */
    public RowSelection effective(LoadedModel model) {
        return this == TOKENIZER && model.tokenizerVocab().isPresent() ? TOKENIZER : ALL;
    }

    /** The number of rows analysed from {@code kind}. */
    public long rows(LoadedModel model, MatrixKind kind) {
        long stored = model.matrix(kind).rows();
        return effective(model) == TOKENIZER ? Math.min(stored, model.tokenizerVocab().getAsInt()) : stored;
    }

    /** The matrix to hand to the analyzers: the whole matrix, or its first tokenizer-vocabulary rows. */
    public Matrix apply(LoadedModel model, MatrixKind kind) {
        return model.matrix(kind).firstRows(rows(model, kind));
    }
}
