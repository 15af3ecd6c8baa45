package dev.superscope.reports.plot;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.ScalingFits;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code overlap_vs_inv_m.png}: the mean squared overlap ({@code msq_overlap}) of each model against 1/m
 * on log-log axes — one colour per family, the family's fitted power law as a line in that colour (its
 * slope in the legend), and the 1/m prediction (y = x) as a dashed black line. Models whose overlap is
 * missing or not positive cannot sit on a log axis and are left out.
 */
public final class OverlapPlot {

    /** The file's name in an output directory. */
    public static final String FILE_NAME = "overlap_vs_inv_m.png";
    /** Default width in pixels. */
    public static final int WIDTH = 900;
    /** Default height in pixels. */
    public static final int HEIGHT = 650;

    static final String METRIC = "msq_overlap";

    /** The family colours (shared with the other plots). */
    static final Color[] PALETTE = ChartStyle.PALETTE;

    private OverlapPlot() {
    }

    /** Writes the unembedding plot at 900 x 650, fitting the families itself. */
    public static void write(Path file, List<ModelResult> results) {
        write(file, results, ScalingFits.fit(results, List.of(METRIC)), "unembedding", WIDTH, HEIGHT);
    }

    /**
     * Writes the plot for {@code matrix} as a PNG, atomically.
     *
     * @param file    where to write
     * @param results the models (rows of other matrices are ignored)
     * @param fits    fits to draw; the {@code msq_overlap} rows for {@code matrix} are used, others ignored
     * @param matrix  {@code unembedding} or {@code embedding}
     * @param width   image width in pixels (at least 200)
     * @param height  image height in pixels (at least 150)
     */
    public static void write(Path file, List<ModelResult> results, List<FitRow> fits, String matrix, int width,
                             int height) {
        ChartStyle.checkSize(width, height);
        ChartStyle.writePng(file, chart(results, fits, matrix), width, height);
    }

    /** The chart itself, for callers that want to render it elsewhere. */
    public static JFreeChart chart(List<ModelResult> results, List<FitRow> fits, String matrix) {
        Map<String, List<ModelResult>> byFamily = new TreeMap<>();
        for (ModelResult r : results) {
            double v = r.metric(METRIC);
            if (r.matrix().equals(matrix) && r.m() > 0 && v > 0 && Double.isFinite(v)) {
                byFamily.computeIfAbsent(r.family(), f -> new ArrayList<>()).add(r);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        int colour = 0;
        for (Map.Entry<String, List<ModelResult>> family : byFamily.entrySet()) {
            Color c = ChartStyle.colour(colour++);
            String name = family.getKey().isEmpty() ? "(no family)" : family.getKey();
            XYSeries points = new XYSeries(name, false, true);
            for (ModelResult r : family.getValue()) {
                double x = 1.0 / r.m();
                points.add(x, r.metric(METRIC));
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
            }
            int s = data.getSeriesCount();
            data.addSeries(points);
            renderer.setSeriesPaint(s, c);
            renderer.setSeriesLinesVisible(s, false);
            renderer.setSeriesShapesVisible(s, true);
            renderer.setSeriesShape(s, new Ellipse2D.Double(-4.5, -4.5, 9, 9));

            FitRow fit = findFit(fits, family.getKey(), matrix);
            if (fit != null) {
                XYSeries line = new XYSeries(name + " fit: " + slopeLabel(fit), false, true);
                line.add(1.0 / fit.mMax(), fit.predictAt(fit.mMax()));
                line.add(1.0 / fit.mMin(), fit.predictAt(fit.mMin()));
                int l = data.getSeriesCount();
                data.addSeries(line);
                renderer.setSeriesPaint(l, c);
                renderer.setSeriesLinesVisible(l, true);
                renderer.setSeriesShapesVisible(l, false);
                renderer.setSeriesStroke(l, new BasicStroke(2f));
            }
        }
        if (xMax == 0) {
            xMin = 1e-4;
            xMax = 1e-2;
        }
        XYSeries reference = new XYSeries("1/m (prediction)", false, true);
        reference.add(xMin / 1.5, xMin / 1.5);
        reference.add(xMax * 1.5, xMax * 1.5);
        int ref = data.getSeriesCount();
        data.addSeries(reference);
        renderer.setSeriesPaint(ref, Color.BLACK);
        renderer.setSeriesLinesVisible(ref, true);
        renderer.setSeriesShapesVisible(ref, false);
        renderer.setSeriesStroke(ref, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {8f, 6f}, 0f));

        LogarithmicAxis x = ChartStyle.logAxis("1/m (inverse model width)");
        LogarithmicAxis y = ChartStyle.logAxis("mean squared overlap  <(u_i \u00b7 u_j)\u00b2>");
        return ChartStyle.chart("Mean squared overlap vs 1/m (" + matrix + ")", data, x, y, renderer);
    }

    private static FitRow findFit(List<FitRow> fits, String family, String matrix) {
        for (FitRow f : fits) {
            if (f.family().equals(family) && f.matrix().equals(matrix) && f.metric().equals(METRIC)
                    && Double.isFinite(f.slope()) && Double.isFinite(f.intercept()) && f.mMin() > 0) {
                return f;
            }
        }
        return null;
    }

    private static String slopeLabel(FitRow fit) {
        String slope = String.format(Locale.ROOT, "slope %.3f", fit.slope());
        return Double.isNaN(fit.slopeStderr()) ? slope
                : slope + String.format(Locale.ROOT, " \u00b1 %.3f", fit.slopeStderr());
    }
}
