package dev.superscope.analyzers;

import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.plugins.Analyzer;

import java.util.List;

/**
 * Lets a pipeline start the compute engine early: loading PyTorch takes over half a second, which can
 * overlap with the Java-only row scan when it is started before it.
 *
 * <p>Not sooner than that, though: libtorch's static constructors run inside {@code dlopen}, which holds
 * the dynamic loader's lock throughout, and the JVM links every native method the first time it is called
 * with {@code dlsym}, which needs the same lock. Started at process start or before the checkpoint
 * opens, the load stalled argument parsing and opening (all new native calls) until it finished, so
 * nothing overlapped; started once the checkpoint is open, the row scan (no new native calls) runs
 * beside it. Measured on the GPT-2 head: the first GEMM began at 1.36 s when the engine was started
 * first thing in {@code main}, at 1.05 s when started after opening.
 */
public final class EngineWarmUp {
    private EngineWarmUp() {
    }

    /**
     * Starts the engine in the background when one of {@code analyzers} computes with it (overlap,
     * pairwise, decode-error; norms is Java only). Call it once the checkpoint is open, before the row
     * scan. Returns at once; the process then waits for the start to finish before it exits.
     */
    public static void startFor(List<? extends Analyzer> analyzers) {
        boolean needsEngine = analyzers.stream().anyMatch(a -> a instanceof OverlapAnalyzer
                || a instanceof PairwiseAnalyzer || a instanceof DecodeErrorAnalyzer);
        if (needsEngine) {
            TorchEngine.startInBackground();
        }
    }
}
