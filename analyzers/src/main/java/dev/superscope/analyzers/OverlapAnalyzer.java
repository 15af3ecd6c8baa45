package dev.superscope.analyzers;

import ai.djl.ndarray.NDManager;
import dev.superscope.analyzers.engine.Block;
import dev.superscope.analyzers.engine.BlockArrays;
import dev.superscope.analyzers.engine.EngineFailures;
import dev.superscope.analyzers.engine.RowBlocks;
import dev.superscope.analyzers.engine.RowScan;
import dev.superscope.analyzers.engine.SymmetricGram;
import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.analyzers.engine.UnitRows;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Metric;

import java.nio.ByteBuffer;
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
 * builds each block's unit rows and centred unit rows ({@link UnitRows}: scaled and centred in the
 * engine, or in float64 in Java where float32 would lose digits) and adds both to their Gram matrices
 * (float32 GEMMs over the upper block triangle only, summed in float64). The third computes each row's
 * interference I_i = u_i^T G u_i - 1. Each block's mapping is released as soon as the block is done, so
 * a head of any size streams in bounded resident memory. A row equal to the mean has no direction once
 * centred and is left out of the centred metrics. Metrics need at least two valid (two non-zero
 * centred) rows and are NaN otherwise; {@code inv_m} is always defined.
 *
 * <p>Per-token column {@code interference}: I_i = sum_{j != i} (u_i . u_j)^2, NaN for invalid rows.
 */
public final class OverlapAnalyzer implements Analyzer {
    private static final List<String> METRICS = List.of("msq_overlap", "msq_overlap_centered", "inv_m",
            "welch_bound", "msq_times_m", "m_eff", "m_eff_centered", "interference_mean", "interference_max",
            "nonfinite_rows", "zero_rows");

    /**
     * Elements per block of the Gram passes: their temporaries are float32 engine arrays (128 MB at
     * most), and larger blocks mean fewer GEMMs and fewer float64 accumulations of the m x m partial
     * sums, which dominate for wide heads (an 8192-wide head is read 4096 rows at a time, not 512).
     */
    private static final long GRAM_BLOCK_ELEMENTS = 1L << 25;

    @Override
    public String name() {
        return "overlap";
    }

    @Override
    public String description() {
        return "mean squared overlap, raw and centred, from the m x m Gram matrix; m_eff, Welch bound, "
                + "per-token interference";
    }

    @Override
    public List<String> metricNames() {
        return METRICS;
    }

    @Override
    public AnalysisResult analyze(Matrix matrix, AnalysisOptions options) {
        int n = RowCount.checked(matrix);
        RowScan scan = RowScans.of(matrix, options.blockRows());
        RowBlocks blocks = new RowBlocks(matrix, options.blockRows(), GRAM_BLOCK_ELEMENTS);
        int m = matrix.cols();
        double[] interference = new double[n];
        Arrays.fill(interference, Double.NaN);
        if (scan.validRows() < 2) {
            return result(matrix, scan, new Grams(Double.NaN, 0, Double.NaN), interference);
        }
        try (NDManager root = TorchEngine.get().newManager();
             SymmetricGram gram = new SymmetricGram(root, m);
             SymmetricGram centredGram = new SymmetricGram(root, m)) {
            long centred = 0;
            try (UnitRows rows = new UnitRows(blocks, scan, scan.mean())) {
                for (int b = 0; b < blocks.blockCount(); b++) {
                    try (NDManager blockManager = root.newSubManager()) {
                        rows.prepare(b, blockManager);
                        gram.add(rows.unitArray());
                        centredGram.add(rows.centredArray());
                    }
                    centred += rows.centredCount();
                }
            }
            Grams grams = new Grams(gram.frobeniusSquared(), centred, centredGram.frobeniusSquared());
            interference(blocks, scan, gram, root, interference);
            return result(matrix, scan, grams, interference);
        } catch (RuntimeException e) {
            throw EngineFailures.wrap(matrix.name(), "computing the Gram matrix of", e);
        }
    }

    /** FP of the unit rows, and the count and FP of the centred unit rows that have a direction. */
    private record Grams(double frobeniusSquared, long centredRows, double centredFrobeniusSquared) {
    }

    /**
     * I_i = u_i^T G u_i - 1 for every valid row, in a second pass once G is complete. Blocks whose norms
     * float32 can carry go to the engine as stored (I_i = w_i^T G w_i / r_i^2 - 1: no unit rows to
     * build; an F32 block is the mapping itself); other blocks are normalised first.
     */
    private static void interference(RowBlocks blocks, RowScan scan, SymmetricGram gram, NDManager root,
                                     double[] interference) {
        double[] norms = scan.norms();
        byte[] states = scan.states();
        BlockArrays stored = new BlockArrays(blocks.dtype(), blocks.cols(), blocks.matrix().name());
        try (UnitRows rows = new UnitRows(blocks, scan, null)) {
            for (int b = 0; b < blocks.blockCount(); b++) {
                int offset = (int) blocks.blockStart(b);
                int count = blocks.blockLength(b);
                if (blocks.dtype() == DType.F64 || !UnitRows.normsInRange(scan, offset, count)) {
                    try (NDManager blockManager = root.newSubManager()) {
                        rows.prepare(b, blockManager);
                        float[] quad = gram.quadraticForms(rows.unitArray());
                        for (int k = 0; k < quad.length; k++) {
                            interference[offset + rows.validRow(k)] = (double) quad[k] - 1.0;
                        }
                    }
                    continue;
                }
                ByteBuffer raw = blocks.raw(b);
                // The manager (and the array over the mapping) closes before the mapping is released.
                try (NDManager blockManager = root.newSubManager()) {
                    float[] quad = gram.quadraticForms(stored.of(raw, count, blockManager));
                    for (int i = 0; i < count; i++) {
                        if (states[offset + i] == Block.VALID) {
                            double r = norms[offset + i];
                            interference[offset + i] = (double) quad[i] / (r * r) - 1.0;
                        }
                    }
                } finally {
                    blocks.release(raw);
                }
            }
        }
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
