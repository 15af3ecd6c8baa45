package dev.superscope.analyzers.forward;

/**
 * A language model that turns one token sequence into next-token logits, computed from the
 * checkpoint's weights. Implementations hold their weights on the engine until {@link #close}.
 */
public interface ForwardModel extends AutoCloseable {

    /** The architecture key (e.g. {@code gpt2}, {@code gpt_neox}, {@code llama}, {@code opt}). */
    String architecture();

    /** Number of token ids the input embedding defines: valid ids are {@code 0 .. vocabSize()-1}. */
    long vocabSize();

    /** The longest sequence the model accepts (learned position tables), or -1 when unbounded. */
    int maxPositions();

    /**
     * Next-token logits at every position of one sequence (causal attention, no padding): one row per
     * position, one value per row of the LM head.
     *
     * @throws dev.superscope.plugins.SuperscopeException (usage, exit 2) when the sequence is empty,
     *         too long, or holds an id outside the vocabulary
     */
    double[][] logits(long[] ids);

    /** Frees the weights held on the engine. */
    @Override
    void close();
}
