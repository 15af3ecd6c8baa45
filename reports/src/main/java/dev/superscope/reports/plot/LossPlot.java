package dev.superscope.reports.plot;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.JointLossFit.Group;
import dev.superscope.reports.fit.JointLossFit.LossPoint;
import dev.superscope.reports.fit.LossFits;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code loss_vs_m.png}, the paper's Figure 8b: each model's loss on each dataset minus the offset the
 * joint fit gave its (family, dataset), against the width m on log-log axes — colour by family, marker
 * shape by dataset — with the joint fit's A * m^-alpha as a black line and alpha +- its standard error
 * in the legend. On these axes every group falls on the one line when the paper's law holds. A point at
 * or below its offset has no logarithm and is left out (the subtitle counts them); without a joint fit
 * (no losses, or too few) the image says so and shows no points, since there is no offset to subtract.
 */
public final class LossPlot {

    /** The file's name in an output directory. */
    public static final String FILE_NAME = "loss_vs_m.png";
    /** Default width in pixels. */
    public static final int WIDTH = 900;
    /** Default height in pixels. */
    public static final int HEIGHT = 650;

    static {
        ChartStyle.headless();
    }

    private LossPlot() {
    }

    /** Writes the plot at {@link #WIDTH} x {@link #HEIGHT}. */
    public static void write(Path file, Collection<ModelResult> results, List<FitRow> fits) {
        write(file, results, fits, WIDTH, HEIGHT);
    }

    /**
     * Writes the plot as a PNG, atomically.
     *
     * @param file    where to write
     * @param results the report's rows; their {@code loss_<dataset>} metrics are the points
     * @param fits    fit rows; the joint loss fit's rows ({@link LossFits}, fit_family {@code all}) are used,
     *                others ignored
     * @param width   image width in pixels (at least 200)
     * @param height  image height in pixels (at least 150)
     */
    public static void write(Path file, Collection<ModelResult> results, List<FitRow> fits, int width, int height) {
        ChartStyle.checkSize(width, height);
        ChartStyle.writePng(file, chart(results, fits), width, height);
    }

    /** The chart itself, for callers that want to render it elsewhere. */
    public static JFreeChart chart(Collection<ModelResult> results, List<FitRow> fits) {
        FitRow joint = null;
        Map<Group, Double> offsets = new HashMap<>();
        for (FitRow f : fits) {
            if (!f.loss().fitFamily().equals(LossFits.ALL)) {
                continue;
            }
            if (f.metric().equals(LossFits.METRIC)) {
                joint = f;
            } else if (f.metric().equals(LossFits.OFFSET_METRIC)) {
                offsets.put(new Group(f.family(), f.loss().dataset()), f.loss().offset());
            }
        }
        List<LossPoint> points = joint == null ? List.of() : LossFits.points(results);
        Map<String, Color> familyColour = new HashMap<>();
        Map<String, Shape> datasetShape = new HashMap<>();
        Shape[] shapes = DefaultDrawingSupplier.createStandardSeriesShapes();
        for (String family : new TreeSet<>(points.stream().map(LossPoint::family).toList())) {
            familyColour.put(family, ChartStyle.colour(familyColour.size()));
        }
        for (String dataset : new TreeSet<>(points.stream().map(LossPoint::dataset).toList())) {
            datasetShape.put(dataset, shapes[datasetShape.size() % shapes.length]);
        }

        Map<Group, XYSeries> series = new TreeMap<>();
        int hidden = 0;
        double mMin = Double.POSITIVE_INFINITY;
        double mMax = 0;
        for (LossPoint p : points) {
            Double c = offsets.get(p.group());
            double excess = c == null ? Double.NaN : p.loss() - c;
            if (!(excess > 0)) {
                hidden++;
                continue;
            }
            String name = (p.family().isEmpty() ? "(no family)" : p.family()) + " \u00b7 " + p.dataset();
            series.computeIfAbsent(p.group(), g -> new XYSeries(name, false, true)).add(p.m(), excess);
            mMin = Math.min(mMin, p.m());
            mMax = Math.max(mMax, p.m());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        for (Map.Entry<Group, XYSeries> e : series.entrySet()) {
            int s = data.getSeriesCount();
            data.addSeries(e.getValue());
            renderer.setSeriesPaint(s, familyColour.get(e.getKey().family()));
            renderer.setSeriesShape(s, datasetShape.get(e.getKey().dataset()));
            renderer.setSeriesLinesVisible(s, false);
            renderer.setSeriesShapesVisible(s, true);
        }
        if (joint != null && mMax > 0) {
            XYSeries line = new XYSeries(String.format(Locale.ROOT, "fit: A m^-\u03b1, \u03b1 = %.3f \u00b1 %.3f",
                    joint.loss().alpha(), joint.loss().alphaStderr()), false, true);
            double from = mMin / 1.2;
            double to = mMax * 1.2;
            for (int i = 0; i <= 20; i++) {
                double m = from * Math.pow(to / from, i / 20.0);
                line.add(m, joint.predictAt(m));
            }
            int l = data.getSeriesCount();
            data.addSeries(line);
            renderer.setSeriesPaint(l, Color.BLACK);
            renderer.setSeriesLinesVisible(l, true);
            renderer.setSeriesShapesVisible(l, false);
            renderer.setSeriesStroke(l, new BasicStroke(2f));
        }
        LogarithmicAxis x = ChartStyle.logAxis("m (model width)");
        LogarithmicAxis y = ChartStyle.logAxis("loss \u2212 fitted offset c(family, dataset)  [nats]");
        JFreeChart chart = ChartStyle.chart("Loss minus its floor vs m (joint fit)", data, x, y, renderer);
        List<String> subtitle = new ArrayList<>();
        if (joint == null) {
            subtitle.add("no joint loss fit (no losses, or too few to fit)");
        } else {
            subtitle.add(String.format(Locale.ROOT, "A = %.4g, %d losses of %d models, r\u00b2 = %.4f",
                    joint.loss().a(), joint.loss().nPoints(), joint.nModels(), joint.r2()));
        }
        if (hidden > 0) {
            subtitle.add(hidden + " point(s) at or below their offset not shown");
        }
        chart.addSubtitle(new TextTitle(String.join("; ", subtitle), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        return chart;
    }
}
