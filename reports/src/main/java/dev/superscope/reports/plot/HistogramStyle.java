package dev.superscope.reports.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.IntervalXYDataset;

/** What the per-model histograms share: flat bars without shadows, category colours, dashed markers. */
final class HistogramStyle {
    /** Rows neither padding nor collapsed, and cosines below the collapse threshold. */
    static final Color ORDINARY = ChartStyle.PALETTE[0];
    /** Collapsed rows, and cosines at or beyond the collapse threshold. */
    static final Color COLLAPSED = ChartStyle.PALETTE[3];
    /** Padding rows. */
    static final Color PADDING = ChartStyle.PALETTE[7];

    private HistogramStyle() {
    }

    /** Flat bars in {@code colours}, one per series, with a thin white outline between bars. */
    static void flatBars(XYBarRenderer renderer, Color... colours) {
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setMargin(0.05);
        for (int s = 0; s < colours.length; s++) {
            renderer.setSeriesPaint(s, colours[s]);
        }
    }

    /** A titled chart of bars on linear x and the given y axis, legend on the right. */
    static JFreeChart chart(String title, String subtitle, IntervalXYDataset data, String xLabel, ValueAxis y,
                            XYBarRenderer renderer) {
        NumberAxis x = new NumberAxis(xLabel);
        x.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        y.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        JFreeChart chart = ChartStyle.chart(title, data, x, y, renderer);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        return chart;
    }

    /** A dashed vertical line at {@code x} with a label at its top. */
    static ValueMarker dashedLine(double x, String label, Color colour) {
        ValueMarker marker = new ValueMarker(x, colour, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        marker.setLabelPaint(colour);
        marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        return marker;
    }
}
