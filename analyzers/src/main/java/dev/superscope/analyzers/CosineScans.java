package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.Matrix;

/**
 * The one O(n^2 m) scan that {@code pairwise} and {@code decode-error} share through their matrix's
 * context: one blocked pass yields both.
 */
final class CosineScans {
    private CosineScans() {
    }

    /** The scan of {@code matrix} under the context's options: computed by the first analyzer that asks. */
    static CosineScan.Result of(Matrix matrix, AnalysisContext context) {
        AnalysisOptions o = context.options();
        return context.shared(CosineScan.sharedKey(o), CosineScan.Result.class, () -> CosineScan.run(matrix,
                RowScans.of(matrix, context), o.blockRows(), o.histogramBins(), o.collapseThreshold(), o.topPairs(),
                context.backend()));
    }
}
