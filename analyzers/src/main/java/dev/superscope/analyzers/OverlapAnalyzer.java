package dev.superscope.analyzers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.superscope.analyzers.engine.Block;
import dev.superscope.analyzers.engine.BlockReader;
import dev.superscope.analyzers.engine.EngineFailures;
import dev.superscope.analyzers.engine.GramAccumulator;
import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The exact mean squared overlap of the valid rows' directions from the m x m Gram matrix
 * G = sum_i u_i u_i^T: FP = ||G||_F^2 = sum_{i,j} (u_i . u_j)^2, so msq_overlap = (FP - n') / (n'(n'-1))
 * and m_eff = n'^2 / FP, in O(n m^2) instead of O(n^2 m).
 *
 * <p>Two passes over the matrix. The first accumulates G (float32 GEMM per block, summed in float64)
 * and the float64 sum of the valid rows. The second computes each row's interference
 * I_i = u_i^T G u_i - 1 and the centred Gram matrix of the rows minus their float64 mean (subtracted
 * as a float32 pair hi + lo, so a large shared offset costs no precision). A row equal to the mean has no direction once centred
 * and is left out of the centred metrics. Metrics need at least two valid (two non-zero centred) rows
 * and are NaN otherwise; {@code inv_m} is always defined.
 *
 * <p>Per-token column {@code interference}: I_i = sum_{j != i} (u_i . u_j)^2, NaN for invalid rows.
 */
public final class OverlapAnalyzer implements Analyzer {
    private static final int[] ROW_AXIS = {1};
    private static final List<String> METRICS = List.of("msq_overlap", "msq_overlap_centered", "inv_m",
            "welch_bound", "msq_times_m", "m_eff", "m_eff_centered", "interference_mean", "interference_max",
            "nonfinite_rows", "zero_rows");

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
        BlockReader reader = new BlockReader(matrix, options.blockRows());
        int n = RowCount.checked(matrix);
        int m = matrix.cols();
        double[] interference = new double[n];
        Arrays.fill(interference, Double.NaN);
        try (NDManager root = TorchEngine.get().newManager()) {
            FirstPass first = firstPass(reader, root, m);
            SecondPass second = first.validRows < 2 ? new SecondPass(0, Double.NaN)
                    : secondPass(reader, root, first, interference);
            return result(matrix, first, second, interference);
        } catch (RuntimeException e) {
            throw EngineFailures.wrap(matrix.name(), "computing the Gram matrix of", e);
        }
    }

    /** Counts, FP and the float64 column sums of the valid rows; keeps G (float32) for the second pass. */
    private record FirstPass(long validRows, long nonFiniteRows, long zeroRows, double frobeniusSquared,
                             double[] columnSums, NDArray gram32) {
    }

    private record SecondPass(long centredRows, double centredFrobeniusSquared) {
    }

    private static FirstPass firstPass(BlockReader reader, NDManager root, int m) {
        double[] columnSums = new double[m];
        long valid = 0;
        long nonFinite = 0;
        long zero = 0;
        try (NDManager gramManager = root.newSubManager(); GramAccumulator gram = new GramAccumulator(gramManager, m)) {
            for (int b = 0; b < reader.blockCount(); b++) {
                try (NDManager blockManager = root.newSubManager()) {
                    Block block = reader.read(b, blockManager);
                    nonFinite += block.nonFiniteCount();
                    zero += block.zeroCount();
                    if (block.validCount() == 0) {
                        continue;
                    }
                    valid += block.validCount();
                    double[] s = block.validColumnSums();
                    for (int j = 0; j < m; j++) {
                        columnSums[j] += s[j];
                    }
                    gram.add(block.unitRows(blockManager));
                }
            }
            double fp = gram.frobeniusSquared();
            NDArray gram32 = gram.toFloat32();
            gram32.attach(root);
            return new FirstPass(valid, nonFinite, zero, fp, columnSums, gram32);
        }
    }

    private static SecondPass secondPass(BlockReader reader, NDManager root, FirstPass first, double[] interference) {
        int m = first.columnSums.length;
        double[] mean = new double[m];
        for (int j = 0; j < m; j++) {
            mean[j] = first.columnSums[j] / first.validRows;
        }
        long centred = 0;
        try (NDManager gramManager = root.newSubManager();
             GramAccumulator gram = new GramAccumulator(gramManager, m)) {
            Mean mu = Mean.of(mean, gramManager);
            for (int b = 0; b < reader.blockCount(); b++) {
                try (NDManager blockManager = root.newSubManager()) {
                    Block block = reader.read(b, blockManager);
                    if (block.validCount() == 0) {
                        continue;
                    }
                    NDArray u = block.unitRows(blockManager);
                    // In place where possible: every fresh block-sized array costs page faults.
                    try (NDArray h = u.matMul(first.gram32); NDArray q = h.muli(u).sum(ROW_AXIS)) {
                        float[] quad = q.toFloatArray();
                        long offset = block.first();
                        for (int k = 0; k < quad.length; k++) {
                            interference[(int) (offset + block.validRow(k))] = (double) quad[k] - 1.0;
                        }
                    }
                    centred += addCentred(block, mu, gram, blockManager);
                }
            }
            return new SecondPass(centred, gram.frobeniusSquared());
        }
    }

    /** Adds the block's centred, normalised valid rows to {@code gram}; returns how many had a direction. */
    private static int addCentred(Block block, Mean mu, GramAccumulator gram, NDManager manager) {
        try (NDArray c = mu.subtractFrom(block.values()); NDArray norms = c.norm(ROW_AXIS)) {
            boolean wide = c.getDataType() == DataType.FLOAT64;
            double[] r = wide ? norms.toDoubleArray() : toDoubles(norms.toFloatArray());
            List<Long> keep = new ArrayList<>(r.length);
            double[] inverse = new double[r.length];
            for (int i = 0; i < r.length; i++) {
                if (r[i] > 0 && Double.isFinite(r[i])) {
                    keep.add((long) i);
                    inverse[i] = 1.0 / r[i];
                }
            }
            if (keep.isEmpty()) {
                return 0;
            }
            try (NDArray scale = (wide ? manager.create(inverse) : manager.create(toFloats(inverse)))
                    .reshape(r.length, 1)) {
                c.muli(scale);
            }
            NDArray unit = wide ? c.toType(DataType.FLOAT32, false) : c;
            try {
                if (keep.size() == r.length) {
                    gram.add(unit);
                } else {
                    long[] index = keep.stream().mapToLong(Long::longValue).toArray();
                    try (NDArray idx = manager.create(index); NDArray kept = unit.get(new NDIndex("{}", idx))) {
                        gram.add(kept);
                    }
                }
            } finally {
                if (unit != c) {
                    unit.close();
                }
            }
            return keep.size();
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private AnalysisResult result(Matrix matrix, FirstPass first, SecondPass second, double[] interference) {
        int m = matrix.cols();
        long k = first.validRows;
        double msq = k >= 2 ? (first.frobeniusSquared - k) / ((double) k * (k - 1)) : Double.NaN;
        double meff = k >= 2 ? (double) k * k / first.frobeniusSquared : Double.NaN;
        long kc = second.centredRows;
        double msqCentred = kc >= 2 ? (second.centredFrobeniusSquared - kc) / ((double) kc * (kc - 1)) : Double.NaN;
        double meffCentred = kc >= 2 ? (double) kc * kc / second.centredFrobeniusSquared : Double.NaN;
        double welch = k < 2 ? Double.NaN : k > m ? (double) (k - m) / ((double) m * (k - 1)) : 0.0;
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
                new Metric("nonfinite_rows", first.nonFiniteRows),
                new Metric("zero_rows", first.zeroRows));
        return new AnalysisResult(name(), metrics, Map.of("interference", interference), Map.of());
    }

    /**
     * The mean row, subtracted in the block's own precision without losing float64 accuracy: for
     * float32 blocks as a float32 pair hi + lo (x - hi is exact for x near hi, Sterbenz), so a large
     * shared offset costs no precision; float64 blocks subtract the float64 mean.
     */
    private record Mean(NDArray hi, NDArray lo, NDArray wide) {
        static Mean of(double[] mean, NDManager manager) {
            int m = mean.length;
            float[] hi = new float[m];
            float[] lo = new float[m];
            for (int j = 0; j < m; j++) {
                hi[j] = (float) mean[j];
                lo[j] = (float) (mean[j] - hi[j]);
            }
            return new Mean(manager.create(hi).reshape(1, m), manager.create(lo).reshape(1, m),
                    manager.create(mean).reshape(1, m));
        }

        NDArray subtractFrom(NDArray values) {
            if (values.getDataType() == DataType.FLOAT64) {
                return values.sub(wide);
            }
            // values may be a read-only mapping: the first subtraction makes the copy, the second is in place.
            return values.sub(hi).subi(lo);
        }
    }
}
