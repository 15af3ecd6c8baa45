package dev.superscope.spark;

import dev.superscope.analyzers.scan.RowScan;
import java.io.Serializable;

/**
 * The driver's row scan of the matrix (norms and row states), sent once to every executor (a broadcast)
 * so that the tiles need not scan the matrix again: O(n) numbers next to the tiles' O(n^2 m) work.
 */
record RowStates(double[] norms, byte[] states, long validRows, long nonFiniteRows, long zeroRows,
                 double[] columnSums) implements Serializable {
    private static final long serialVersionUID = 1L;

    static RowStates of(RowScan scan) {
        return new RowStates(scan.norms(), scan.states(), scan.validRows(), scan.nonFiniteRows(), scan.zeroRows(),
                scan.columnSums());
    }

    RowScan scan() {
        return new RowScan(norms, states, validRows, nonFiniteRows, zeroRows, columnSums);
    }
}
