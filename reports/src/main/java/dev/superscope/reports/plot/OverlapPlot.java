package dev.superscope.reports.plot;

import dev.superscope.reports.AtomicFiles;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.ScalingFits;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
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

    /** Colour-blind-safe palette (Tableau 10), cycled when there are more families. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    static {
        // Rendering must work on a server without a display; set before AWT initialises.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

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
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("plot size " + width + "x" + height + " is too small");
        }
        JFreeChart chart = chart(results, fits, matrix);
        AtomicFiles.writeBytes(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
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
            Color c = PALETTE[colour++ % PALETTE.length];
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

        LogarithmicAxis x = new LogarithmicAxis("1/m (inverse model width)");
        LogarithmicAxis y = new LogarithmicAxis("mean squared overlap  <(u_i \u00b7 u_j)\u00b2>");
        for (LogarithmicAxis axis : List.of(x, y)) {
            // Ticks at 1..9 x 10^k, labelled 1e-3 style: readable at any span, like matplotlib's log axes.
            axis.setExpTickLabelsFlag(true);
            axis.setStrictValuesFlag(false);
            axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(Color.DARK_GRAY);

        JFreeChart chart = new JFreeChart("Mean squared overlap vs 1/m (" + matrix + ")",
                new Font(Font.SANS_SERIF, Font.BOLD, 17), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return chart;
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
