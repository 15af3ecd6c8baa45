package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.analyzers.scan.TopPairs;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
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
 * connected groups of two or more rows linked by |cos| at or above it, with the per-token column
 * {@code collapsed_group_id} (the lowest row id of the row's group; NaN for rows in no group), and the
 * metric {@code collapse_threshold} they were counted at.
 *
 * <p>When {@link AnalysisOptions#topPairs()} asks for K pairs, the series {@code top_pairs_first},
 * {@code top_pairs_second} (row ids, i &lt; j) and {@code top_pairs_cos} (their signed cosine) list the K
 * pairs of valid rows with the largest |cos|, best first, ties to the lowest (i, j).
 */
public final class PairwiseAnalyzer extends BuiltInAnalyzer {
    private static final List<String> METRICS = List.of("mean_abs_overlap", "max_abs_overlap", "collapsed_rows",
            "collapsed_groups", "collapse_threshold");

    public PairwiseAnalyzer() {
        super("pairwise", "exact O(n^2 m) pairwise cosines in blocks: mean and max |cos|, cosine histogram, nearest "
                + "neighbours, collapsed rows and groups", METRICS);
    }

    @Override
    public AnalysisResult analyze(Matrix matrix, AnalysisContext context) {
        CosineScan.Result scan = CosineScans.of(matrix, context);
        boolean defined = scan.validRows() >= 2;
        List<Metric> metrics = List.of(
                new Metric("mean_abs_overlap", defined ? scan.sumAbsCosine() / scan.pairs() : Double.NaN),
                new Metric("max_abs_overlap", defined ? scan.maxAbsCosine() : Double.NaN),
                new Metric("collapsed_rows", scan.collapsedRows()),
                new Metric("collapsed_groups", scan.collapsedGroups()),
                new Metric("collapse_threshold", context.options().collapseThreshold()));
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
        if (context.options().topPairs() > 0) {
            putTopPairs(scan, series);
        }
        Map<String, double[]> perToken = new LinkedHashMap<>();
        double[] nearest = new double[scan.nearest().length];
        for (int i = 0; i < nearest.length; i++) {
            nearest[i] = scan.nearest()[i] < 0 ? Double.NaN : scan.nearest()[i];
        }
        perToken.put("nearest_id", nearest);
        perToken.put("nearest_cos", scan.nearestCosine());
        perToken.put("collapsed_group_id", ids(scan.collapsedGroup()));
        return new AnalysisResult(name(), metrics, perToken, series);
    }

    /** Row ids as a column: -1 (none) becomes NaN, an empty cell. */
    private static double[] ids(int[] ids) {
        double[] column = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            column[i] = ids[i] < 0 ? Double.NaN : ids[i];
        }
        return column;
    }

    private static void putTopPairs(CosineScan.Result scan, Map<String, double[]> series) {
        List<TopPairs.Pair> pairs = scan.topPairs();
        double[] first = new double[pairs.size()];
        double[] second = new double[pairs.size()];
        double[] cos = new double[pairs.size()];
        for (int k = 0; k < pairs.size(); k++) {
            first[k] = pairs.get(k).first();
            second[k] = pairs.get(k).second();
            cos[k] = pairs.get(k).cosine();
        }
        series.put("top_pairs_first", first);
        series.put("top_pairs_second", second);
        series.put("top_pairs_cos", cos);
    }
}
