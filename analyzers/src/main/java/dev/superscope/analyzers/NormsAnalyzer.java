package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Metric;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Row norms r_i = ||w_i||: their summary and how many rows are "represented" (weak versus strong
 * superposition).
 *
 * <p>As in {@code bench/reference_metrics.py}, the statistics cover every finite row, zero rows
 * included (a zero row is a token the matrix does not represent, which is what the norm profile is
 * about); non-finite rows are counted and left out. Per-token column {@code norm}: r_i, NaN for
 * non-finite rows.
 */
public final class NormsAnalyzer extends BuiltInAnalyzer {
    private static final List<String> METRICS = List.of("norm_mean", "norm_std", "norm_min", "norm_max",
            "norm_p50", "frac_represented", "nonfinite_rows", "zero_rows");

    public NormsAnalyzer() {
        super("norms", "row norms: mean, sample std, min, max, median, share of rows >= tau x 90th percentile",
                METRICS);
    }

    @Override
    public boolean usesBackend() {
        return false;
    }

    @Override
    public AnalysisResult analyze(Matrix matrix, AnalysisContext context) {
        RowCount.checked(matrix);
        // Java only, no backend; the overlap analyzer reuses this scan of the same matrix.
        RowScan scan = RowScans.of(matrix, context);
        double[] norms = scan.norms().clone();
        long nonFinite = scan.nonFiniteRows();
        long zero = scan.zeroRows();
        double[] finite = Arrays.stream(norms).filter(r -> !Double.isNaN(r)).toArray();
        NormStatistics s = NormStatistics.of(finite, context.options().tau());
        List<Metric> metrics = List.of(
                new Metric("norm_mean", s.mean()),
                new Metric("norm_std", s.std()),
                new Metric("norm_min", s.min()),
                new Metric("norm_max", s.max()),
                new Metric("norm_p50", s.median()),
                new Metric("frac_represented", s.fracRepresented()),
                new Metric("nonfinite_rows", nonFinite),
                new Metric("zero_rows", zero));
        return new AnalysisResult(name(), metrics, Map.of("norm", norms), Map.of());
    }
}
