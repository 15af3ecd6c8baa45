package dev.superscope.analyzers;

import dev.superscope.analyzers.engine.CosineScan;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.Matrix;

import java.lang.ref.WeakReference;

/**
 * The one O(n^2 m) scan shared by {@code pairwise} and {@code decode-error}: one blocked pass yields
 * both, so when both analyzers run on the same matrix the second reuses the first's scan. The cache
 * holds the last scan only, keyed by the matrix object's identity (matrices are read-only views) and
 * the options that shape the result; it refers to the matrix weakly.
 */
final class CosineScans {
    private static WeakReference<Matrix> lastMatrix = new WeakReference<>(null);
    private static int lastBlockRows;
    private static int lastBins;
    private static CosineScan.Result lastResult;

    private CosineScans() {
    }

    /** The scan of {@code matrix} under {@code options}, computed or reused. */
    static synchronized CosineScan.Result of(Matrix matrix, AnalysisOptions options) {
        if (lastResult != null && lastMatrix.get() == matrix && lastBlockRows == options.blockRows()
                && lastBins == options.histogramBins()) {
            return lastResult;
        }
        CosineScan.Result result = CosineScan.run(matrix, options.blockRows(), options.histogramBins());
        lastMatrix = new WeakReference<>(matrix);
        lastBlockRows = options.blockRows();
        lastBins = options.histogramBins();
        lastResult = result;
        return result;
    }

    /** Forgets the cached scan (tests use it to force a fresh pass). */
    static synchronized void clear() {
        lastMatrix = new WeakReference<>(null);
        lastResult = null;
    }
}
