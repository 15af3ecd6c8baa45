package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.RowBlocks;
import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.analyzers.scan.UnitRows;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Metric;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The exact mean squared overlap of the valid rows' directions from the m x m Gram matrix
 * G = sum_i u_i u_i^T: FP = ||G||_F^2 = sum_{i,j} (u_i . u_j)^2, so msq_overlap = (FP - n') / (n'(n'-1))
 * and m_eff = n'^2 / FP, in O(n m^2) instead of O(n^2 m).
 *
 * <p>Three passes over the matrix. The first is the row scan shared with {@code norms} (Java only):
 * norms, row states and the float64 column sums of the valid rows, hence the mean row. The second
 * builds each block's unit rows and centred unit rows ({@link UnitRows}: scaled and centred in float64,
 * rounded once to float32) and has the compute backend add both to their Gram matrices ({@link GramSum}:
 * float32 products of the block, summed over blocks in float64). The third has the backend compute each
 * row's interference I_i = u_i^T G u_i - 1. Each block's mapping is released as soon as the block is done, so
 * a head of any size streams in bounded resident memory. A row equal to the mean has no direction once
 * centred and is left out of the centred metrics. Metrics need at least two valid (two non-zero
 * centred) rows and are NaN otherwise; {@code inv_m} is always defined.
 *
 * <p>Per-token column {@code interference}: I_i = sum_{j != i} (u_i . u_j)^2, NaN for invalid rows.
 */
public final class OverlapAnalyzer extends BuiltInAnalyzer {
    private static final List<String> METRICS = List.of("msq_overlap", "msq_overlap_centered", "inv_m",
            "welch_bound", "msq_times_m", "m_eff", "m_eff_centered", "interference_mean", "interference_max",
            "nonfinite_rows", "zero_rows");

    /**
     * Elements per block of the Gram passes: their unit rows are float32 buffers (128 MB each at most),
     * and larger blocks mean fewer products and fewer float64 accumulations of the m x m partial
     * sums, which dominate for wide heads (an 8192-wide head is read 4096 rows at a time, not 512).
     */
    private static final long GRAM_BLOCK_ELEMENTS = 1L << 25;

    /**
     * The Gram passes read blocks this many times longer than the row scan's (16384 rows by default,
     * capped by {@link #GRAM_BLOCK_ELEMENTS}): a rank-k update over more rows updates the m x m result less
     * often. Measured on GPT-2's head with OpenBLAS: the two Gram sums took 0.53 s in 4096-row blocks,
     * 0.42 s in 16384-row ones, 0.40 s in 43690-row ones.
     */
    private static final int GRAM_BLOCK_FACTOR = 4;

    /** The widest matrix whose m x m Gram matrix a Java buffer can index (m^2 &lt; 2^31). */
    static final int MAX_COLS = 46340;

    public OverlapAnalyzer() {
        super("overlap", "mean squared overlap, raw and centred, from the m x m Gram matrix; m_eff, Welch bound, "
                + "per-token interference", METRICS);
    }

    @Override
    public AnalysisResult analyze(Matrix matrix, AnalysisContext context) {
        int n = RowCount.checked(matrix);
        int m = matrix.cols();
        if (m > MAX_COLS) {
            // A backend cannot hold the m x m Gram sum (a Java buffer indexes at most 2^31 entries); most
            // likely the matrix is stored m x n.
            throw new BadInputException(null, "matrix " + matrix.name() + " has " + m + " columns; the overlap "
                    + "analyzer's m x m Gram matrix supports at most " + MAX_COLS + " (stored transposed? try --transpose)");
        }
        RowScan scan = RowScans.of(matrix, context);
        RowBlocks blocks = new RowBlocks(matrix, GRAM_BLOCK_FACTOR * context.options().blockRows(),
                GRAM_BLOCK_ELEMENTS);
        double[] interference = new double[n];
        Arrays.fill(interference, Double.NaN);
        if (scan.validRows() < 2) {
            return result(matrix, scan, new Grams(Double.NaN, 0, Double.NaN), interference);
        }
        try (ComputeScope root = context.backend().newScope()) {
            GramSum gram = root.newGram(m);
            Grams grams;
            // Only the centred sum's norm is needed: its scope closes before the interference pass, which
            // needs the room (at m = 8192 a Gram sum holds 512 MB).
            try (ComputeScope centredScope = root.newChild()) {
                GramSum centredGram = centredScope.newGram(m);
                long centred = 0;
                try (UnitRows rows = new UnitRows(blocks, scan, scan.mean())) {
                    for (int b = 0; b < blocks.blockCount(); b++) {
                        rows.prepare(b);
                        try (ComputeScope block = root.newChild()) {
                            gram.add(block.rows(rows.unit()));
                            centredGram.add(block.rows(rows.centred()));
                        }
                        centred += rows.centredCount();
                    }
                }
                grams = new Grams(gram.frobeniusSquared(), centred, centredGram.frobeniusSquared());
            }
            interference(blocks, scan, gram, root, interference);
            return result(matrix, scan, grams, interference);
        } catch (RuntimeException e) {
            throw ComputeFailures.wrap(matrix.name(), "computing the Gram matrix of", e);
        }
    }

    /** FP of the unit rows, and the count and FP of the centred unit rows that have a direction. */
    private record Grams(double frobeniusSquared, long centredRows, double centredFrobeniusSquared) {
    }

    /**
     * I_i = u_i^T G u_i - 1 for every valid row, in a second pass once G is complete. A memory-mapped F32
     * block whose rows are all valid, with norms float32 can carry, goes to the backend as stored, no copy:
     * I_i = w_i^T G w_i / r_i^2 - 1. Other blocks are normalised first.
     */
    private static void interference(RowBlocks blocks, RowScan scan, GramSum gram, ComputeScope root,
                                     double[] interference) {
        double[] norms = scan.norms();
        byte[] states = scan.states();
        try (UnitRows rows = new UnitRows(blocks, scan, null)) {
            for (int b = 0; b < blocks.blockCount(); b++) {
                int offset = (int) blocks.blockStart(b);
                int count = blocks.blockLength(b);
                if (storedRowsServe(blocks, scan, offset, count)) {
                    ByteBuffer raw = blocks.raw(b);
                    try (ComputeScope block = root.newChild()) {
                        double[] quad = gram.quadraticForms(block.rows(new FloatRows(raw, count, blocks.cols())));
                        for (int i = 0; i < count; i++) {
                            double r = norms[offset + i];
                            interference[offset + i] = quad[i] / (r * r) - 1.0;
                        }
                    } finally {
                        blocks.release(raw);
                    }
                    continue;
                }
                rows.prepare(b);
                try (ComputeScope block = root.newChild()) {
                    double[] quad = gram.quadraticForms(block.rows(rows.unit()));
                    for (int k = 0; k < quad.length; k++) {
                        interference[offset + rows.validRow(k)] = quad[k] - 1.0;
                    }
                }
            }
        }
    }

    /** Whether block rows {@code offset..offset+count-1} can be multiplied as stored (see above). */
    private static boolean storedRowsServe(RowBlocks blocks, RowScan scan, int offset, int count) {
        if (blocks.dtype() != DType.F32 || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return false;
        }
        byte[] states = scan.states();
        for (int i = offset; i < offset + count; i++) {
            if (states[i] != RowScan.VALID) {
                return false;
            }
        }
        return UnitRows.normsInRange(scan, offset, count);
    }

    private AnalysisResult result(Matrix matrix, RowScan first, Grams second, double[] interference) {
        int m = matrix.cols();
        long k = first.validRows();
        double msq = k >= 2 ? (second.frobeniusSquared() - k) / ((double) k * (k - 1)) : Double.NaN;
        double meff = k >= 2 ? (double) k * k / second.frobeniusSquared() : Double.NaN;
        long kc = second.centredRows();
        double msqCentred = kc >= 2 ? (second.centredFrobeniusSquared() - kc) / ((double) kc * (kc - 1)) : Double.NaN;
        double meffCentred = kc >= 2 ? (double) kc * kc / second.centredFrobeniusSquared() : Double.NaN;
        // As defined: 0 whenever n' <= m (fewer than two rows included), since m >= 1 rows fit orthogonally.
        double welch = k > m ? (double) (k - m) / ((double) m * (k - 1)) : 0.0;
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : interference) {
            if (!Double.isNaN(v)) {
                sum += v;
                max = Math.max(max, v);
            }
        }
        List<Metric> metrics = List.of(
                new Metric("msq_overlap", msq),
                new Metric("msq_overlap_centered", msqCentred),
                new Metric("inv_m", 1.0 / m),
                new Metric("welch_bound", welch),
                new Metric("msq_times_m", msq * m),
                new Metric("m_eff", meff),
                new Metric("m_eff_centered", meffCentred),
                new Metric("interference_mean", k >= 2 ? sum / k : Double.NaN),
                new Metric("interference_max", k >= 2 ? max : Double.NaN),
                new Metric("nonfinite_rows", first.nonFiniteRows()),
                new Metric("zero_rows", first.zeroRows()));
        return new AnalysisResult(name(), metrics, Map.of("interference", interference), Map.of());
    }
}
