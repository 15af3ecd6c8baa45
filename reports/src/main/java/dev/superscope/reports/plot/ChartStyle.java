package dev.superscope.reports.plot;

import dev.superscope.reports.ReportFiles;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYDataset;

/**
 * What the report's plots share: headless rendering, the palette, log axes labelled like matplotlib's,
 * the white plot with light grid lines and a legend on the right, and the atomic PNG write.
 */
final class ChartStyle {

    static {
        // Rendering must work on a server without a display; set before AWT initialises.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Colour-blind-safe palette (Tableau 10), cycled when there are more families. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    /** Smallest image accepted. */
    static final int MIN_WIDTH = 200;
    static final int MIN_HEIGHT = 150;

    private ChartStyle() {
    }

    /** Makes sure the headless property is set (class initialisation does it). */
    static void headless() {
        // Calling this initialises the class, whose static block sets java.awt.headless.
    }

    /** The i-th palette colour, cycling. */
    static Color colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** A log axis with ticks at 1..9 x 10^k, labelled 1e-3 style: readable at any span. */
    static LogarithmicAxis logAxis(String label) {
        LogarithmicAxis axis = new LogarithmicAxis(label);
        axis.setExpTickLabelsFlag(true);
        axis.setStrictValuesFlag(false);
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return axis;
    }

    /** A titled chart of the data on the two axes: white background, light grid, legend on the right. */
    static JFreeChart chart(String title, XYDataset data, ValueAxis x, ValueAxis y, XYItemRenderer renderer) {
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(Color.DARK_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 17), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return chart;
    }

    /** Checks the size before any work is done. */
    static void checkSize(int width, int height) {
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            throw new IllegalArgumentException("plot size " + width + "x" + height + " is too small");
        }
    }

    /** Renders the chart as a PNG of the given size and writes it atomically. */
    static void writePng(Path file, JFreeChart chart, int width, int height) {
        checkSize(width, height);
        ReportFiles.writeStream(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }
}
