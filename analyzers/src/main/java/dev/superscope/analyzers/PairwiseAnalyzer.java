package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Metric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact pairwise cosine statistics over all pairs i &lt; j of valid rows, in blocks (O(n^2 m); see
 * {@link CosineScan}): {@code mean_abs_overlap}, {@code max_abs_overlap} (NaN with fewer than two valid
 * rows), and the series {@code cosine_histogram} ({@link AnalysisOptions#histogramBins()} equal bins
 * over [-1, 1], numpy's convention: each bin half-open but the last closed; cosines that float32
 * rounding puts a hair outside [-1, 1] are counted in the end bins, so the counts always sum to
 * n'(n'-1)/2) with its {@code cosine_histogram_edges}.
 *
 * <p>Who collides with whom, at no extra O(n^2 m) cost: per-token columns {@code nearest_id} (the other
 * valid row with the largest |cos|, ties to the lowest id) and {@code nearest_cos} (that |cos|), NaN for
 * invalid rows; {@code collapsed_rows}, the valid rows whose nearest |cos| is at least
 * {@link AnalysisOptions#collapseThreshold()} (0.99 by default), and {@code collapsed_groups}, the
 * connected groups of two or more rows linked by |cos| at or above it.
 */
public final class PairwiseAnalyzer implements Analyzer {
    private static final List<String> METRICS = List.of("mean_abs_overlap", "max_abs_overlap", "collapsed_rows",
            "collapsed_groups");

    @Override
    public String name() {
        return "pairwise";
    }

    @Override
    public String description() {
        return "exact O(n^2 m) pairwise cosines in blocks: mean and max |cos|, cosine histogram";
    }

    @Override
    public List<String> metricNames() {
        return METRICS;
    }

    @Override
    public AnalysisResult analyze(Matrix matrix, AnalysisContext context) {
        CosineScan.Result scan = CosineScans.of(matrix, context);
        boolean defined = scan.validRows() >= 2;
        List<Metric> metrics = List.of(
                new Metric("mean_abs_overlap", defined ? scan.sumAbsCosine() / scan.pairs() : Double.NaN),
                new Metric("max_abs_overlap", defined ? scan.maxAbsCosine() : Double.NaN),
                new Metric("collapsed_rows", scan.collapsedRows()),
                new Metric("collapsed_groups", scan.collapsedGroups()));
        int bins = scan.histogram().length;
        double[] counts = new double[bins];
        double[] edges = new double[bins + 1];
        for (int k = 0; k < bins; k++) {
            counts[k] = scan.histogram()[k];
        }
        for (int k = 0; k <= bins; k++) {
            edges[k] = -1.0 + 2.0 * k / bins;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("cosine_histogram", counts);
        series.put("cosine_histogram_edges", edges);
        Map<String, double[]> perToken = new LinkedHashMap<>();
        double[] nearest = new double[scan.nearest().length];
        for (int i = 0; i < nearest.length; i++) {
            nearest[i] = scan.nearest()[i] < 0 ? Double.NaN : scan.nearest()[i];
        }
        perToken.put("nearest_id", nearest);
        perToken.put("nearest_cos", scan.nearestCosine());
        return new AnalysisResult(name(), metrics, perToken, series);
    }
}
