package dev.superscope.analyzers;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;

/** The row count as an array length: per-token columns hold one value per row. */
final class RowCount {
    private RowCount() {
    }

    /** {@code matrix.rows()}, or a one-line error when it cannot index a Java array. */
    static int checked(Matrix matrix) {
        long n = matrix.rows();
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has " + n
                    + " rows; at most " + (Integer.MAX_VALUE - 8) + " can be analysed");
        }
        return (int) n;
    }
}
