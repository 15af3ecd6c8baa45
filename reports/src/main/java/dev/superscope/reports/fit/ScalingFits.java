package dev.superscope.reports.fit;

import dev.superscope.reports.ModelResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits each metric against the model width within each (family, matrix): ordinary least squares of
 * log(metric) on log(m) over the family's models sorted by m.
 *
 * <p>A logarithm needs a positive value: models whose metric is missing (NaN), zero, negative or infinite
 * are left out and listed in {@link FitRow#skippedModels()} (and in {@link #notes}). With the models that
 * remain: three or more give every column; exactly two give the slope and r2 (trivially 1) but no
 * standard error or interval, since a line through two points has no residual degrees of freedom; fewer
 * than two (or all of one width) give a row with the counts and empty fit columns, so the table still
 * shows that the group exists and why it has no fit.
 */
public final class ScalingFits {

    /** The metrics fitted by default: the raw and the centred mean squared overlap. */
    public static final List<String> DEFAULT_METRICS = List.of("msq_overlap", "msq_overlap_centered");

    /** The superposition prediction: the mean squared overlap scales as 1/m. */
    public static final double PREDICTED_SLOPE = -1;

    /** Confidence level of the slope interval. */
    public static final double LEVEL = 0.95;

    private ScalingFits() {
    }

    /**
     * One row per (family, matrix, metric) present in {@code results}: families in name order, the
     * unembedding before the embedding, metrics in the order given.
     */
    public static List<FitRow> fit(Collection<ModelResult> results, List<String> metrics) {
        Map<String, Map<String, List<ModelResult>>> groups = new TreeMap<>();
        for (ModelResult r : results) {
            groups.computeIfAbsent(r.family(), f -> new TreeMap<>(ScalingFits::compareMatrices))
                    .computeIfAbsent(r.matrix(), k -> new ArrayList<>()).add(r);
        }
        List<FitRow> rows = new ArrayList<>();
        for (Map<String, List<ModelResult>> byMatrix : groups.values()) {
            for (List<ModelResult> group : byMatrix.values()) {
                group.sort(Comparator.comparingInt(ModelResult::m).thenComparing(ModelResult::model));
                for (String metric : metrics) {
                    rows.add(fitOne(group, metric));
                }
            }
        }
        return rows;
    }

    /**
     * Sentences for the user about rows that skipped models or could not be fitted fully. Rows of the loss
     * fit are passed over: {@link LossFits#analyse} gives their notes.
     */
    public static List<String> notes(List<FitRow> rows) {
        List<String> notes = new ArrayList<>();
        for (FitRow r : rows) {
            if (r.loss().present()) {
                continue;
            }
            String what = "fit of " + r.metric() + " (" + r.family() + ", " + r.matrix() + ")";
            if (!r.skippedModels().isEmpty()) {
                notes.add(what + ": left out " + String.join(", ", r.skippedModels())
                        + " (value missing or not positive, no logarithm)");
            }
            if (r.nModels() < 2) {
                notes.add(what + ": " + r.nModels() + " usable model(s), no fit");
            } else if (Double.isNaN(r.slope())) {
                notes.add(what + ": every model has the same width, no fit");
            } else if (r.nModels() == 2) {
                notes.add(what + ": only 2 models, slope without standard error or interval");
            }
        }
        return notes;
    }

    private static FitRow fitOne(List<ModelResult> group, String metric) {
        List<ModelResult> used = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ModelResult r : group) {
            double v = r.metric(metric);
            if (v > 0 && Double.isFinite(v) && r.m() > 0) {
                used.add(r);
            } else {
                skipped.add(r.model());
            }
        }
        ModelResult first = group.get(0);
        int n = used.size();
        int mMin = n == 0 ? 0 : used.get(0).m();
        int mMax = n == 0 ? 0 : used.get(n - 1).m();
        double nan = Double.NaN;
        if (n < 2) {
            return new FitRow(first.family(), first.matrix(), metric, n, mMin, mMax, nan, nan, nan, nan, nan, nan,
                    PREDICTED_SLOPE, skipped);
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.log(used.get(i).m());
            y[i] = Math.log(used.get(i).metric(metric));
        }
        LineFit line = LineFit.ols(x, y);
        double[] ci = line.slopeInterval(LEVEL);
        return new FitRow(first.family(), first.matrix(), metric, n, mMin, mMax, line.slope(), line.slopeStderr(),
                ci[0], ci[1], line.r2(), line.intercept(), PREDICTED_SLOPE, skipped);
    }

    /** unembedding, embedding, then anything else by name. */
    private static int compareMatrices(String a, String b) {
        int ra = rank(a);
        int rb = rank(b);
        return ra != rb ? Integer.compare(ra, rb) : a.compareTo(b);
    }

    private static int rank(String matrix) {
        switch (matrix) {
            case "unembedding":
                return 0;
            case "embedding":
                return 1;
            default:
                return 2;
        }
    }
}
