package dev.superscope.reports.plot;

import dev.superscope.reports.FileNames;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.data.xy.CategoryTableXYDataset;

/**
 * {@code norms_<model>.png}: a histogram of one matrix's row norms with the rows that say something about
 * the geometry marked — padding rows (grey) and collapsed rows, near copies of another row (red) —
 * stacked on the others (blue), and the represented-row threshold tau x p90 as a dashed line: rows left
 * of it count as not represented ({@code frac_represented}). Untrained rows show up as a separate heap of
 * short norms (BERT's {@code [unusedN]} rows, a weak-superposition head's rare tokens).
 */
public final class NormsPlot {
    /** Default width in pixels. */
    public static final int WIDTH = 900;
    /** Default height in pixels. */
    public static final int HEIGHT = 600;

    static {
        ChartStyle.headless();
    }

    private NormsPlot() {
    }

    /** {@code outDir/norms_<safe model name>.png}. */
    public static Path fileFor(Path outDir, String model) {
        return outDir.resolve("norms_" + FileNames.safe(model) + ".png");
    }

    /** Writes the plot as a PNG, atomically. */
    public static void write(Path file, String model, String matrix, NormHistogram histogram, double threshold,
                             int width, int height) {
        ChartStyle.checkSize(width, height);
        ChartStyle.writePng(file, chart(model, matrix, histogram, threshold), width, height);
    }

    /** The chart itself. */
    public static JFreeChart chart(String model, String matrix, NormHistogram h, double threshold) {
        CategoryTableXYDataset data = new CategoryTableXYDataset();
        String ordinary = "rows";
        String collapsed = String.format(Locale.ROOT, "collapsed (nearest |cos| \u2265 %s)", trim(threshold));
        String padded = "padding rows";
        int bins = h.other().length;
        double width = h.edges()[1] - h.edges()[0];
        for (int k = 0; k < bins; k++) {
            double centre = (h.edges()[k] + h.edges()[k + 1]) / 2;
            data.add(centre, h.other()[k], ordinary, false);
            data.add(centre, h.collapsed()[k], collapsed, false);
            data.add(centre, h.padded()[k], padded, false);
        }
        data.setIntervalWidth(width);
        StackedXYBarRenderer renderer = new StackedXYBarRenderer();
        HistogramStyle.flatBars(renderer, HistogramStyle.ORDINARY, HistogramStyle.COLLAPSED, HistogramStyle.PADDING);
        long collapsedRows = java.util.Arrays.stream(h.collapsed()).sum();
        long paddedRows = java.util.Arrays.stream(h.padded()).sum();
        String collapsedText = h.collapseMeasured() ? collapsedRows + " collapsed"
                : "collapsed rows not measured (run the pairwise analyzer)";
        String subtitle = String.format(Locale.ROOT, "%s, %s: %d rows, %s, %d padding%s", model, matrix,
                h.total(), collapsedText, paddedRows, h.nonFinite() > 0 ? ", " + h.nonFinite() + " non-finite" : "");
        NumberAxis y = new NumberAxis("rows");
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        JFreeChart chart = HistogramStyle.chart("Row norms (" + matrix + ")", subtitle, data, "row norm ||w_i||",
                y, renderer);
        if (Double.isFinite(h.represented())) {
            chart.getXYPlot().addDomainMarker(HistogramStyle.dashedLine(h.represented(),
                    "represented \u2265 \u03c4\u00b7p90", Color.BLACK));
        }
        return chart;
    }

    static String trim(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
