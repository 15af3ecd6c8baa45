package dev.superscope.analyzers;

import dev.superscope.analyzers.engine.RowScan;
import dev.superscope.plugins.Matrix;

import java.lang.ref.WeakReference;

/**
 * The row scan shared by {@code norms} and {@code overlap}: both need every row's norm and state, so
 * when both run on the same matrix the second reuses the first's scan. Like {@link CosineScans}, the
 * cache holds the last scan only, keyed by the matrix object's identity (matrices are read-only views)
 * and the block size, and refers to the matrix weakly.
 */
final class RowScans {
    private static WeakReference<Matrix> lastMatrix = new WeakReference<>(null);
    private static int lastBlockRows;
    private static RowScan lastScan;

    private RowScans() {
    }

    /** The scan of {@code matrix} read in blocks of {@code blockRows} rows, computed or reused. */
    static synchronized RowScan of(Matrix matrix, int blockRows) {
        if (lastScan != null && lastMatrix.get() == matrix && lastBlockRows == blockRows) {
            return lastScan;
        }
        RowScan scan = RowScan.of(matrix, blockRows);
        lastMatrix = new WeakReference<>(matrix);
        lastBlockRows = blockRows;
        lastScan = scan;
        return scan;
    }

    /** Forgets the cached scan (tests use it to force a fresh pass). */
    static synchronized void clear() {
        lastMatrix = new WeakReference<>(null);
        lastScan = null;
    }
}
