package dev.superscope.reports.plot;

import dev.superscope.reports.FileNames;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * {@code cosines_<model>.png}: the histogram of cos(u_i, u_j) over all pairs i &lt; j that the pairwise
 * analyzer counts, on a log count axis (the mass sits near 0, the collapsed pairs are a thin tail), bins
 * at or beyond the collapse threshold (|cos| &ge; threshold) in red, with dashed lines at +-threshold.
 * Empty bins are not drawn (a log axis has no 0).
 */
public final class CosinePlot {
    /** Default width in pixels. */
    public static final int WIDTH = 900;
    /** Default height in pixels. */
    public static final int HEIGHT = 600;

    static {
        ChartStyle.headless();
    }

    private CosinePlot() {
    }

    /** {@code outDir/cosines_<safe model name>.png}. */
    public static Path fileFor(Path outDir, String model) {
        return outDir.resolve("cosines_" + FileNames.safe(model) + ".png");
    }

    /** Writes the plot as a PNG, atomically. */
    public static void write(Path file, String model, String matrix, double[] counts, double[] edges,
                             double threshold, int width, int height) {
        ChartStyle.checkSize(width, height);
        ChartStyle.writePng(file, chart(model, matrix, counts, edges, threshold), width, height);
    }

    /**
     * The chart of {@code counts} in the bins of {@code edges} (counts.length + 1 of them).
     *
     * @throws IllegalArgumentException when the edges do not fit the counts
     */
    public static JFreeChart chart(String model, String matrix, double[] counts, double[] edges, double threshold) {
        if (edges.length != counts.length + 1) {
            throw new IllegalArgumentException(counts.length + " counts need " + (counts.length + 1) + " edges, not "
                    + edges.length);
        }
        XYIntervalSeries below = new XYIntervalSeries(String.format(Locale.ROOT, "|cos| < %s",
                NormsPlot.trim(threshold)), false, true);
        XYIntervalSeries beyond = new XYIntervalSeries(String.format(Locale.ROOT, "|cos| \u2265 %s (collapsed)",
                NormsPlot.trim(threshold)), false, true);
        double pairs = 0;
        double collapsedPairs = 0;
        for (int k = 0; k < counts.length; k++) {
            pairs += counts[k];
            if (!(counts[k] > 0)) {
                continue;
            }
            boolean collapsed = isCollapsedBin(edges[k], edges[k + 1], threshold);
            double centre = (edges[k] + edges[k + 1]) / 2;
            (collapsed ? beyond : below).add(centre, edges[k], edges[k + 1], counts[k], BASE, counts[k]);
            collapsedPairs += collapsed ? counts[k] : 0;
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(below);
        data.addSeries(beyond);
        XYBarRenderer renderer = new XYBarRenderer();
        renderer.setUseYInterval(true);
        HistogramStyle.flatBars(renderer, HistogramStyle.ORDINARY, HistogramStyle.COLLAPSED);
        LogarithmicAxis y = ChartStyle.logAxis("pairs (log scale)");
        String subtitle = String.format(Locale.ROOT, "%s, %s: %.0f pairs, %.0f in bins at |cos| \u2265 %s", model,
                matrix, pairs, collapsedPairs, NormsPlot.trim(threshold));
        JFreeChart chart = HistogramStyle.chart("Pairwise cosines (" + matrix + ")", subtitle, data,
                "cos(u_i, u_j), i < j", y, renderer);
        chart.getXYPlot().getDomainAxis().setRange(-1.02, 1.02);
        chart.getXYPlot().addDomainMarker(HistogramStyle.dashedLine(threshold, "", HistogramStyle.COLLAPSED));
        chart.getXYPlot().addDomainMarker(HistogramStyle.dashedLine(-threshold, "", HistogramStyle.COLLAPSED));
        return chart;
    }

    /** Bars start just below one pair, so that a bin of one pair is visible on the log axis. */
    private static final double BASE = 0.5;

    /** A bin lies at or beyond the threshold when all of it does: [lo, hi) with lo >= t, or hi <= -t. */
    static boolean isCollapsedBin(double low, double high, double threshold) {
        return low >= threshold - 1e-12 || high <= -threshold + 1e-12;
    }
}
