package dev.superscope.cli;

import java.util.Arrays;

/**
 * How the eval tests score one row of next-token logits, written out in plain Java so that what eval
 * reports is checked against arithmetic it does not share.
 */
final class NextToken {
    private NextToken() {
    }

    /** The cross-entropy of {@code target}: {@code -log softmax(row)[target]}, the maximum subtracted first. */
    static double loss(double[] row, long target) {
        double max = Arrays.stream(row).max().orElseThrow();
        double logZ = max + Math.log(Arrays.stream(row).map(v -> Math.exp(v - max)).sum());
        return logZ - row[(int) target];
    }

    /** The top-1 prediction: the largest logit's id, ties going to the lowest id as eval's do. */
    static int top1(double[] row) {
        int best = 0;
        for (int v = 1; v < row.length; v++) {
            best = row[v] > row[best] ? v : best;
        }
        return best;
    }
}
