package dev.superscope.plugins;

import java.util.Locale;

/** Which of a model's two vocabulary matrices. */
public enum MatrixKind {
    /** The LM head W_U: its rows are read out against the final hidden state. */
    UNEMBEDDING,
    /** The input token embedding W_E. */
    EMBEDDING;

    /** The lower-case name used on the command line and in CSV files. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
