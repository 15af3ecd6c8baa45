package dev.superscope.plugins;

import java.util.List;
import java.util.OptionalInt;

/**
 * What a {@link Architecture} found in a checkpoint: the two vocabulary matrices and the facts needed to
 * interpret them.
 *
 * @param checkpoint     the checkpoint they come from
 * @param loader         the loader's name
 * @param architecture   e.g. {@code GPT2LMHeadModel}
 * @param embedding      the input embedding (n x m)
 * @param unembedding    the LM head (n x m); the same tensor as {@code embedding} when tied and not stored twice
 * @param tied           whether the model ties its head to its embedding
 * @param hiddenSize     the transformer's hidden size (differs from m for OPT-350m's projected embeddings)
 * @param tokenizerVocab token ids the tokenizer defines; rows beyond it are padding
 * @param warnings       things the user should know (e.g. config and stored tensors disagree on tying)
 */
public record LoadedModel(Checkpoint checkpoint, String loader, String architecture, Matrix embedding,
                          Matrix unembedding, boolean tied, int hiddenSize, OptionalInt tokenizerVocab,
                          List<String> warnings) {

    public LoadedModel {
        warnings = List.copyOf(warnings);
    }

    /** The matrix of the given kind. */
    public Matrix matrix(MatrixKind kind) {
        return kind == MatrixKind.EMBEDDING ? embedding : unembedding;
    }

    /** Rows of the LM head that the tokenizer does not use (Pythia pads 50277 tokens to 50304 rows). */
    public long paddedRows(MatrixKind kind) {
        long rows = matrix(kind).rows();
        return tokenizerVocab.isPresent() && tokenizerVocab.getAsInt() < rows ? rows - tokenizerVocab.getAsInt() : 0;
    }
}
