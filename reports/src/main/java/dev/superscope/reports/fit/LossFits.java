package dev.superscope.reports.fit;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.JointLossFit.Group;
import dev.superscope.reports.fit.JointLossFit.LossPoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The loss rows of {@code fits.csv}: every {@code loss_<dataset>} metric of the report fitted as
 * loss = A * m^(-alpha) + c_{family, dataset} ({@link JointLossFit}), once jointly over every family (the
 * paper's Figure 8b: family {@code all}) and once per family alone.
 *
 * <p>Rows, in order: the joint fit's {@code loss} row, then its {@code loss_offset} rows (families, then
 * datasets, in name order); then the same for each family alone, families in name order. A {@code loss}
 * row has matrix {@code -} (a loss belongs to the model, not to one matrix), slope = -alpha, slope_stderr
 * = alpha's standard error, the 95% interval from Student t with N - p degrees of freedom, r2 = 1 - RSS/TSS
 * of the losses themselves, intercept = ln A, and predicted_slope = -0.91 (the paper's alpha = 0.91 +-
 * 0.04); n_models counts models, n_points (model, dataset) losses. A {@code loss_offset} row carries its
 * group's family, dataset, models, widths, offset and the fit's A and alpha; its slope columns are empty
 * (see {@link FitsCsv} for the columns).
 *
 * <p>The points: one per model and dataset. A model appears in the report once per matrix, with the same
 * losses on each row; its width is that of its unembedding row (the m the head's overlaps live in, so
 * that the geometry and the loss share an axis), else of its first row. Losses that are missing (NaN)
 * are not points; infinite ones are left out with a note. A fit with fewer than p + 1 points (p = 2 +
 * number of offsets), or whose parameters the widths do not determine, gives no row but a note.
 */
public final class LossFits {

    /** The metric of a fit row. */
    public static final String METRIC = "loss";
    /** The metric of an offset row. */
    public static final String OFFSET_METRIC = "loss_offset";
    /** models.csv metrics with this prefix are losses; the rest of the name is the dataset. */
    public static final String PREFIX = "loss_";
    /** The family (and fit_family) of the joint fit over every family. */
    public static final String ALL = "all";
    /** The matrix cell of loss rows. */
    public static final String NO_MATRIX = "-";
    /** The paper's exponent: loss minus its floor ~ m^-0.91. */
    public static final double PREDICTED_ALPHA = 0.91;

    /**
     * The loss rows and the notes for the user.
     *
     * @param rows  rows for {@code fits.csv}; empty when the report has no losses
     * @param notes why a fit is missing or a loss was left out
     */
    public record Outcome(List<FitRow> rows, List<String> notes) {

        public Outcome {
            rows = List.copyOf(rows);
            notes = List.copyOf(notes);
        }
    }

    private LossFits() {
    }

    /** The loss rows of {@link #analyse}, without the notes. */
    public static List<FitRow> fit(Collection<ModelResult> results) {
        return analyse(results).rows();
    }

    /** Fits the losses jointly and per family; see the class comment for the rows. */
    public static Outcome analyse(Collection<ModelResult> results) {
        List<String> notes = new ArrayList<>();
        List<LossPoint> points = points(results, notes);
        List<FitRow> rows = new ArrayList<>();
        if (points.isEmpty()) {
            return new Outcome(rows, notes);
        }
        fitInto(rows, notes, ALL, points, "joint fit of loss over every family");
        Map<String, List<LossPoint>> byFamily = new TreeMap<>();
        for (LossPoint p : points) {
            byFamily.computeIfAbsent(p.family(), f -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<String, List<LossPoint>> e : byFamily.entrySet()) {
            fitInto(rows, notes, e.getKey(), e.getValue(), "fit of loss (" + e.getKey() + ")");
        }
        return new Outcome(rows, notes);
    }

    /** The losses of the report, one point per model and dataset (see the class comment). */
    public static List<LossPoint> points(Collection<ModelResult> results) {
        return points(results, new ArrayList<>());
    }

    private static List<LossPoint> points(Collection<ModelResult> results, List<String> notes) {
        Map<String, ModelResult> byModel = new LinkedHashMap<>();
        for (ModelResult r : results) {
            ModelResult before = byModel.get(r.model());
            if (before == null || (!before.matrix().equals("unembedding") && r.matrix().equals("unembedding"))) {
                byModel.put(r.model(), r);
            }
        }
        List<LossPoint> points = new ArrayList<>();
        for (ModelResult r : byModel.values()) {
            for (Map.Entry<String, Double> metric : r.metrics().entrySet()) {
                String name = metric.getKey();
                if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
                    continue;
                }
                double loss = metric.getValue();
                String dataset = name.substring(PREFIX.length());
                if (Double.isNaN(loss)) {
                    continue;
                }
                if (Double.isInfinite(loss) || r.m() <= 0) {
                    notes.add("fit of loss: left out " + r.model() + " on " + dataset + " (loss " + loss + ", m "
                            + r.m() + ")");
                    continue;
                }
                points.add(new LossPoint(r.model(), r.family(), dataset, r.m(), loss));
            }
        }
        return points;
    }

    private static void fitInto(List<FitRow> rows, List<String> notes, String fitFamily, List<LossPoint> points,
                                String what) {
        JointLossFit fit;
        try {
            fit = JointLossFit.fit(points);
        } catch (IllegalArgumentException e) {
            notes.add(what + ": " + e.getMessage() + "; no fit");
            return;
        }
        double slope = -fit.alpha();
        double stderr = fit.alphaStderr();
        double half = StudentT.quantile(0.5 + ScalingFits.LEVEL / 2, fit.dof()) * stderr;
        rows.add(new FitRow(fitFamily, NO_MATRIX, METRIC, models(points), mMin(points), mMax(points), slope, stderr,
                slope - half, slope + half, fit.r2(), Math.log(fit.a()), -PREDICTED_ALPHA, List.of(),
                new LossTerms("", fitFamily, points.size(), fit.a(), fit.aStderr(), fit.alpha(), stderr,
                        Double.NaN, Double.NaN)));
        for (Group g : fit.groups()) {
            List<LossPoint> in = points.stream().filter(p -> p.group().equals(g)).toList();
            double nan = Double.NaN;
            rows.add(new FitRow(g.family(), NO_MATRIX, OFFSET_METRIC, models(in), mMin(in), mMax(in), nan, nan, nan,
                    nan, nan, nan, nan, List.of(), new LossTerms(g.dataset(), fitFamily, in.size(), fit.a(),
                    fit.aStderr(), fit.alpha(), stderr, fit.offset(g), fit.offsetStderr(g))));
        }
    }

    private static int models(List<LossPoint> points) {
        return new TreeSet<>(points.stream().map(LossPoint::model).toList()).size();
    }

    private static int mMin(List<LossPoint> points) {
        return points.stream().mapToInt(LossPoint::m).min().orElse(0);
    }

    private static int mMax(List<LossPoint> points) {
        return points.stream().mapToInt(LossPoint::m).max().orElse(0);
    }
}
