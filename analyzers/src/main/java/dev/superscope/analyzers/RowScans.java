package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.Matrix;

/** The row scan that {@code norms} and {@code overlap} share through their matrix's context. */
final class RowScans {
    private RowScans() {
    }

    /** The scan of {@code matrix} in the context's block size: computed by the first analyzer that asks. */
    static RowScan of(Matrix matrix, AnalysisContext context) {
        int blockRows = context.options().blockRows();
        return context.shared(RowScan.sharedKey(blockRows), RowScan.class, () -> RowScan.of(matrix, blockRows));
    }
}
