package dev.superscope.plugins.architecture;

/**
 * A language model that turns token sequences into next-token logits or scores, computed from the
 * checkpoint's weights. The embeddings and LM head stay on the engine until {@link #close}; a pass reads
 * each layer's weights, applies the layer to every sequence it was given, and frees them before the next
 * layer, so peak memory is about one layer plus the activations.
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

    /**
     * Scores a batch of windows in one layer-by-layer pass. Each sequence of {@code n + 1} tokens is read
     * as its first {@code n} tokens, and position {@code p < n} is scored against token {@code p + 1}: the
     * log-softmax and arg-max are taken on the engine (log-softmax in float64), so no logit row leaves it.
     *
     * @param sequences windows of at least 2 tokens each, their last token only a target
     * @return per sequence, {@code n} scores
     * @throws dev.superscope.plugins.SuperscopeException (usage, exit 2) when a window is too short, too
     *         long or holds an id outside the vocabulary; (bad input, exit 3) when a target has no row in
     *         the LM head
     */
    java.util.List<TokenScores> score(java.util.List<long[]> sequences);

    /** Frees the weights held on the engine. */
    @Override
    void close();
}
