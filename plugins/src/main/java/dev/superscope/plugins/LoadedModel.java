package dev.superscope.plugins;

import java.util.List;
import java.util.OptionalInt;

/**
 * What a {@link dev.superscope.plugins.architecture.Architecture} found in a checkpoint: the two vocabulary
 * matrices and the facts needed to interpret them.
 *
 * <p>A model may have no unembedding: a bare encoder ({@code BertModel}, a sentence-transformers
 * checkpoint) stores no masked-LM head and its config does not tie one. Then {@code unembedding} is null,
 * {@code noUnembedding} says why, {@link #has} is false for {@link MatrixKind#UNEMBEDDING}, and asking for
 * that matrix ({@link #unembedding()}, {@link #matrix}) is a one-line bad-input error that points to
 * {@code --matrix embedding}.
 *
 * @param checkpoint     the checkpoint they come from
 * @param loader         the loader's name
 * @param architecture   e.g. {@code GPT2LMHeadModel}
 * @param embedding      the input embedding (n x m)
 * @param unembedding    the LM head (n x m); the same tensor as {@code embedding} when tied and not stored
 *                       twice; null when the model has none
 * @param tied           whether the model ties its head to its embedding
 * @param hiddenSize     the transformer's hidden size (differs from m for OPT-350m's projected embeddings)
 * @param tokenizerVocab token ids the tokenizer defines; rows beyond it are padding
 * @param warnings       things the user should know (e.g. config and stored tensors disagree on tying)
 * @param noUnembedding  why there is no unembedding (null when there is one)
 */
public record LoadedModel(Checkpoint checkpoint, String loader, String architecture, Matrix embedding,
                          Matrix unembedding, boolean tied, int hiddenSize, OptionalInt tokenizerVocab,
                          List<String> warnings, String noUnembedding) {

    public LoadedModel {
        warnings = List.copyOf(warnings);
        if ((unembedding == null) == (noUnembedding == null || noUnembedding.isBlank())) {
            throw new IllegalArgumentException(unembedding == null
                    ? "a model without an unembedding needs the reason" : "a model with an unembedding has no reason for lacking one");
        }
    }

    /** A model with both matrices. */
    public LoadedModel(Checkpoint checkpoint, String loader, String architecture, Matrix embedding,
                       Matrix unembedding, boolean tied, int hiddenSize, OptionalInt tokenizerVocab,
                       List<String> warnings) {
        this(checkpoint, loader, architecture, embedding, unembedding, tied, hiddenSize, tokenizerVocab, warnings,
                null);
    }

    /** A model whose only vocabulary matrix is its embedding, for the reason given (one line, no file name). */
    public static LoadedModel withoutUnembedding(Checkpoint checkpoint, String loader, String architecture,
                                                 Matrix embedding, int hiddenSize, OptionalInt tokenizerVocab,
                                                 List<String> warnings, String reason) {
        return new LoadedModel(checkpoint, loader, architecture, embedding, null, false, hiddenSize, tokenizerVocab,
                warnings, reason);
    }

    /**
     * The LM head.
     *
     * @throws BadInputException (exit 3) when the model has none, naming the checkpoint and the reason
     */
    @Override
    public Matrix unembedding() {
        if (unembedding == null) {
            throw new BadInputException(checkpoint == null ? null : checkpoint.directory(), noUnembedding
                    + "; analyse its embedding with --matrix embedding");
        }
        return unembedding;
    }

    /** Whether the model has the matrix of the given kind (every model has an embedding). */
    public boolean has(MatrixKind kind) {
        return kind == MatrixKind.EMBEDDING || unembedding != null;
    }

    /**
     * The matrix of the given kind.
     *
     * @throws BadInputException when it is the unembedding and the model has none (see {@link #unembedding()})
     */
    public Matrix matrix(MatrixKind kind) {
        return kind == MatrixKind.EMBEDDING ? embedding : unembedding();
    }

    /** Rows of the LM head that the tokenizer does not use (Pythia pads 50277 tokens to 50304 rows). */
    public long paddedRows(MatrixKind kind) {
        long rows = matrix(kind).rows();
        return tokenizerVocab.isPresent() && tokenizerVocab.getAsInt() < rows ? rows - tokenizerVocab.getAsInt() : 0;
    }
}
