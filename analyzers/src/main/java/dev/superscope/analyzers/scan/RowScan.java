package dev.superscope.analyzers.scan;

import dev.superscope.plugins.Matrix;

import java.nio.ByteBuffer;

/**
 * One pass over a matrix in Java, no engine needed: every row's L2 norm and state, and the float64
 * column sums of the valid rows. It is all the {@code norms} analyzer needs and the first thing the
 * {@code overlap} analyzer needs (the norms normalise rows, the column sums give the mean row), so the
 * two share one scan.
 *
 * <p>Norms are float64 sums of squares of the exact values. A row whose norm comes out non-finite or
 * zero is re-examined: "non-finite" means some entry is NaN or infinite, "zero" means every entry is
 * zero; a finite F64 row whose sum of squares over- or underflowed is measured again, scaled by its
 * largest magnitude.
 *
 * @param norms          r_i per row; NaN for non-finite rows, 0 for zero rows
 * @param states         {@link #VALID}, {@link #ZERO} or {@link #NONFINITE} per row
 * @param validRows      rows that are finite with a positive norm
 * @param nonFiniteRows  rows with a NaN or infinite entry
 * @param zeroRows       all-zero rows
 * @param columnSums     float64 column sums of the valid rows
 */
public record RowScan(double[] norms, byte[] states, long validRows, long nonFiniteRows, long zeroRows,
                      double[] columnSums) {
    /** Row state: finite with a positive norm. */
    public static final byte VALID = 0;
    /** Row state: every entry is zero. */
    public static final byte ZERO = 1;
    /** Row state: at least one entry is NaN or infinite. */
    public static final byte NONFINITE = 2;

    /** The key the analyzers share the scan in {@code blockRows}-row blocks under, in a matrix's analysis context. */
    public static String sharedKey(int blockRows) {
        return "row-scan/" + blockRows;
    }

    /** Scans {@code matrix} in blocks of at most {@code blockRows} rows. */
    public static RowScan of(Matrix matrix, int blockRows) {
        RowBlocks blocks = new RowBlocks(matrix, blockRows);
        long n = matrix.rows();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many rows for one scan: " + n);
        }
        int cols = blocks.cols();
        double[] norms = new double[(int) n];
        byte[] states = new byte[(int) n];
        double[] sums = new double[cols];
        for (int b = 0; b < blocks.blockCount(); b++) {
            ByteBuffer raw = blocks.raw(b);
            int first = (int) blocks.blockStart(b);
            int count = blocks.blockLength(b);
            int ranges = RowBlocks.ranges(count);
            double[][] partial = new double[ranges][];
            RowBlocks.forRanges(count, ranges, p -> {
                RowBlocks.Reader reader = blocks.reader(raw);
                double[] row = new double[cols];
                double[] s = new double[cols];
                for (int i = RowBlocks.rangeStart(count, ranges, p); i < RowBlocks.rangeStart(count, ranges, p + 1); i++) {
                    reader.row(i, row);
                    double r = Math.sqrt(sumOfSquares(row));
                    byte state = VALID;
                    if (!(Double.isFinite(r) && r > 0)) {
                        r = recheck(row);
                        state = Double.isNaN(r) ? RowScan.NONFINITE : r == 0 ? RowScan.ZERO : RowScan.VALID;
                    }
                    norms[first + i] = r;
                    states[first + i] = state;
                    if (state == RowScan.VALID) {
                        for (int j = 0; j < cols; j++) {
                            s[j] += row[j];
                        }
                    }
                }
                partial[p] = s;
            });
            blocks.release(raw);
            for (double[] s : partial) {
                for (int j = 0; j < cols; j++) {
                    sums[j] += s[j];
                }
            }
        }
        long valid = 0;
        long nonFinite = 0;
        long zero = 0;
        for (byte s : states) {
            valid += s == RowScan.VALID ? 1 : 0;
            nonFinite += s == RowScan.NONFINITE ? 1 : 0;
            zero += s == RowScan.ZERO ? 1 : 0;
        }
        return new RowScan(norms, states, valid, nonFinite, zero, sums);
    }

    /** The column means of the valid rows (meaningless when there are none). */
    public double[] mean() {
        double[] mean = new double[columnSums.length];
        for (int j = 0; j < mean.length; j++) {
            mean[j] = columnSums[j] / validRows;
        }
        return mean;
    }

    /** NaN for a row with a non-finite entry, 0 for an all-zero row, else its norm measured with scaling. */
    private static double recheck(double[] row) {
        double largest = 0;
        for (double v : row) {
            if (!Double.isFinite(v)) {
                return Double.NaN;
            }
            largest = Math.max(largest, Math.abs(v));
        }
        if (largest == 0) {
            return 0;
        }
        double sum = 0;
        for (double v : row) {
            double x = v / largest;
            sum += x * x;
        }
        return largest * Math.sqrt(sum);
    }

    /** Sum of squares with four independent chains (same float64 exactness, faster). */
    static double sumOfSquares(double[] row) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < row.length; j += 4) {
            s0 += row[j] * row[j];
            s1 += row[j + 1] * row[j + 1];
            s2 += row[j + 2] * row[j + 2];
            s3 += row[j + 3] * row[j + 3];
        }
        for (; j < row.length; j++) {
            s0 += row[j] * row[j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
