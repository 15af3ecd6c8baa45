package dev.superscope.analyzers;

import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.plugins.Analyzer;

import java.util.List;

/**
 * Lets a pipeline start the compute engine early: loading PyTorch takes over half a second, which can
 * overlap with opening the checkpoint and the row scan when it is started before them.
 */
public final class EngineWarmUp {
    private EngineWarmUp() {
    }

    /**
     * Starts the engine in the background when one of {@code analyzers} computes with it (overlap,
     * pairwise, decode-error; norms is Java only). Returns at once; the process then waits for the start
     * to finish before it exits.
     */
    public static void startFor(List<? extends Analyzer> analyzers) {
        boolean needsEngine = analyzers.stream().anyMatch(a -> a instanceof OverlapAnalyzer
                || a instanceof PairwiseAnalyzer || a instanceof DecodeErrorAnalyzer);
        if (needsEngine) {
            TorchEngine.startInBackground();
        }
    }
}
