package dev.superscope.plugins.architecture;

/**
 * What a forward pass says about each next token of one window, without its logits: for position
 * {@code p}, the log-probability (float64 log-softmax of the logits) of the token that follows it, and
 * the arg-max of the logits (ties to the lowest id).
 *
 * @param logProb log-probability of the actual next token per position; NaN when the logit row holds NaN
 *                or no finite value
 * @param argmax  the highest-scoring token id per position
 */
public record TokenScores(double[] logProb, int[] argmax) {

    /** Number of scored positions. */
    public int length() {
        return logProb.length;
    }
}
