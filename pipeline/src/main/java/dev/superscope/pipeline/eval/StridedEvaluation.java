package dev.superscope.pipeline.eval;

import dev.superscope.plugins.architecture.TokenScores;
import dev.superscope.plugins.SuperscopeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Next-token cross-entropy and top-1 error of a token sequence too long for one forward pass, by strided
 * sliding windows as in the Hugging Face perplexity guide: windows of at most {@code context} tokens start
 * every {@code stride} tokens, and each window scores only the predictions no earlier window made, so
 * every token but the first is scored exactly once, with at least {@code context - stride + 1} tokens of
 * left context (all the context its window holds).
 *
 * <p>One difference from the guide: a window's last logit row is used too — it predicts the token just
 * after the window — so with {@code stride == context} (non-overlapping windows) no token goes unscored,
 * where the guide drops the first token of every window.
 */
public final class StridedEvaluation {
    private StridedEvaluation() {
    }

    /**
     * One window of a forward pass: it reads {@code ids[begin, end)} and scores the predictions of
     * {@code ids[firstTarget..end]} (both ends included); row {@code t - 1 - begin} of its logits predicts
     * {@code ids[t]}.
     */
    public record Window(int begin, int end, int firstTarget) {
        /** Tokens this window scores. */
        public int scored() {
            return end - firstTarget + 1;
        }
    }

    /**
     * What a sequence scored.
     *
     * @param tokens tokens scored (the sequence's length minus one)
     * @param nll    summed negative log-likelihood in nats
     * @param errors tokens whose arg-max prediction was another token
     */
    public record Score(long tokens, double nll, long errors) {
        /** Mean cross-entropy in nats per token. */
        public double loss() {
            return nll / tokens;
        }

        /** {@code exp(loss)}. */
        public double perplexity() {
            return Math.exp(loss());
        }

        /** Fraction of scored tokens the model's top prediction got wrong. */
        public double top1Error() {
            return (double) errors / tokens;
        }
    }

    /**
     * The windows for a sequence of {@code length} tokens.
     *
     * @throws IllegalArgumentException unless {@code length >= 2} and {@code 1 <= stride <= context}
     */
    public static List<Window> windows(int length, int context, int stride) {
        if (length < 2 || context < 1 || stride < 1 || stride > context) {
            throw new IllegalArgumentException("length " + length + ", context " + context + ", stride " + stride);
        }
        List<Window> windows = new ArrayList<>();
        int lastScored = 0;
        // stride <= context keeps each window's first target inside it: begin <= lastScored < firstTarget.
        for (long begin = 0; lastScored < length - 1; begin += stride) {
            int end = (int) Math.min(begin + context, length - 1);
            windows.add(new Window((int) begin, end, lastScored + 1));
            lastScored = end;
        }
        return windows;
    }

    /**
     * Scores {@code ids} a batch of windows at a time: each batch is one layer-by-layer pass of the model,
     * which returns per position the float64 log-softmax of the next token and the arg-max of the logits
     * (ties to the lowest token id), so no logit row is read back.
     *
     * @param batch    windows per pass (at least 1)
     * @param scorer   the forward pass: {@link dev.superscope.plugins.architecture.ForwardModel#score}
     * @param progress told the running count of scored tokens after each batch
     * @param what     names the model and text in an error message
     * @throws SuperscopeException (exit 3) when a logit row holds NaN or nothing finite, or a token has no
     *                             row in the LM head
     */
    public static Score score(long[] ids, int context, int stride, int batch,
                       Function<List<long[]>, List<TokenScores>> scorer, LongConsumer progress, String what) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        long tokens = 0;
        long errors = 0;
        double nll = 0;
        List<Window> windows = windows(ids.length, context, stride);
        for (int from = 0; from < windows.size(); from += batch) {
            List<Window> group = windows.subList(from, Math.min(windows.size(), from + batch));
            List<long[]> sequences = new ArrayList<>();
            for (Window w : group) {
                // The window's inputs and the token after it: position p is scored against token p + 1.
                sequences.add(Arrays.copyOfRange(ids, w.begin(), w.end() + 1));
            }
            List<TokenScores> scores;
            try {
                scores = scorer.apply(sequences);
            } catch (SuperscopeException e) {
                throw e.exitCode() == SuperscopeException.BAD_INPUT
                        ? new SuperscopeException(e.exitCode(), what + ": " + e.getMessage(), e) : e;
            }
            for (int g = 0; g < group.size(); g++) {
                Window w = group.get(g);
                TokenScores s = scores.get(g);
                for (int t = w.firstTarget(); t <= w.end(); t++) {
                    int p = t - 1 - w.begin();
                    double loss = -s.logProb()[p];
                    if (Double.isNaN(loss)) {
                        throw new SuperscopeException(SuperscopeException.BAD_INPUT, what + ": the forward pass gave "
                                + "logits with NaN or no finite value at token " + t + "; the weights may be corrupt");
                    }
                    nll += loss;
                    errors += s.argmax()[p] == ids[t] ? 0 : 1;
                    tokens++;
                }
            }
            progress.accept(tokens);
        }
        return new Score(tokens, nll, errors);
    }
}
