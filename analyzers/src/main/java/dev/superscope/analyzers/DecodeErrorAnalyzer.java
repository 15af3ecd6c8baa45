package dev.superscope.analyzers;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Metric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code decode_error_rate}: the share of valid rows i for which some other valid row j scores strictly
 * higher at i's own direction, w_j . u_i &gt; w_i . u_i, i.e. the LM head read at token i's direction
 * ranks another token first. Exact, over all pairs, in blocks (see {@link CosineScan}); NaN with fewer
 * than two valid rows. Per-token columns: {@code decode_error}, 1 when row i loses, 0 when it wins (ties
 * included); {@code decode_winner_id}, the token the head decodes at row i's direction (i itself unless
 * another scores strictly higher; ties to the lowest id); {@code decode_margin}, w_i . u_i minus the best
 * other score (negative exactly when row i loses); NaN for invalid rows.
 */
public final class DecodeErrorAnalyzer extends BuiltInAnalyzer {
    private static final List<String> METRICS = List.of("decode_error_rate");

    public DecodeErrorAnalyzer() {
        super("decode-error", "share of tokens whose own direction is decoded as another token (exact, O(n^2 m))",
                METRICS);
    }

    private static Map<String, double[]> perToken(CosineScan.Result scan) {
        double[] winner = new double[scan.decodeWinner().length];
        for (int i = 0; i < winner.length; i++) {
            winner[i] = scan.decodeWinner()[i] < 0 ? Double.NaN : scan.decodeWinner()[i];
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        columns.put("decode_error", scan.decodeError());
        columns.put("decode_winner_id", winner);
        columns.put("decode_margin", scan.decodeMargin());
        return columns;
    }

    @Override
    public AnalysisResult analyze(Matrix matrix, AnalysisContext context) {
        CosineScan.Result scan = CosineScans.of(matrix, context);
        double rate = scan.validRows() >= 2 ? (double) scan.decodeErrors() / scan.validRows() : Double.NaN;
        return new AnalysisResult(name(), List.of(new Metric("decode_error_rate", rate)),
                perToken(scan), Map.of());
    }
}
