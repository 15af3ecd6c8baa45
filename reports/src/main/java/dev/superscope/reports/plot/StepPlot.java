package dev.superscope.reports.plot;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.sweep.SweepPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code overlap_vs_step.png}: for each training sweep (one models.yaml entry with {@code revisions:}), the
 * mean squared overlap and its centred version against the training step, on log-log axes: a colour per
 * sweep, {@code msq_overlap} as a solid line with dots, {@code msq_overlap_centered} dashed with squares.
 *
 * <p>Step 0 (the initialisation) has no place on a log axis, so the x axis is the step plus one: step 0 sits
 * at 1, step 1000 at 1001. Rows that are no sweep's point, whose revision names no step, or whose value is
 * missing or not positive are left out.
 */
public final class StepPlot {

    /** The file's name in an output directory. */
    public static final String FILE_NAME = "overlap_vs_step.png";

    private static final List<String> METRICS = List.of("msq_overlap", "msq_overlap_centered");

    private StepPlot() {
    }

    /** True when {@code results} hold a sweep point to draw for {@code matrix}. */
    public static boolean hasPoints(List<ModelResult> results, String matrix) {
        return !bySweep(results, matrix).isEmpty();
    }

    /** Writes the plot for {@code matrix} as a 900 x 650 PNG, atomically. */
    public static void write(Path file, List<ModelResult> results, String matrix) {
        ChartStyle.writePng(file, chart(results, matrix), OverlapPlot.WIDTH, OverlapPlot.HEIGHT);
    }

    /** The chart itself. */
    public static JFreeChart chart(List<ModelResult> results, String matrix) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        int colour = 0;
        for (Map.Entry<String, List<SweepPoint>> sweep : bySweep(results, matrix).entrySet()) {
            Color c = ChartStyle.colour(colour++);
            for (int k = 0; k < METRICS.size(); k++) {
                String metric = METRICS.get(k);
                XYSeries series = new XYSeries(sweep.getKey() + (k == 0 ? "" : " (centred)"), true, true);
                for (SweepPoint p : sweep.getValue()) {
                    double v = p.row().metric(metric);
                    if (v > 0 && Double.isFinite(v)) {
                        series.add(p.step() + 1.0, v);
                    }
                }
                if (series.isEmpty()) {
                    continue;
                }
                int s = data.getSeriesCount();
                data.addSeries(series);
                renderer.setSeriesPaint(s, c);
                renderer.setSeriesLinesVisible(s, true);
                renderer.setSeriesShapesVisible(s, true);
                if (k == 0) {
                    renderer.setSeriesShape(s, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
                    renderer.setSeriesStroke(s, new BasicStroke(2f));
                } else {
                    renderer.setSeriesShape(s, new java.awt.Rectangle(-3, -3, 6, 6));
                    renderer.setSeriesStroke(s, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                            10f, new float[] {7f, 5f}, 0f));
                }
            }
        }
        LogarithmicAxis x = ChartStyle.logAxis("training step + 1 (step 0 at 1)");
        LogarithmicAxis y = ChartStyle.logAxis("mean squared overlap (solid) and centred (dashed)");
        return ChartStyle.chart("Mean squared overlap during training (" + matrix + ")", data, x, y, renderer);
    }

    /** The sweeps' points of {@code matrix}, by sweep name, each in step order. */
    static Map<String, List<SweepPoint>> bySweep(List<ModelResult> results, String matrix) {
        Map<String, List<SweepPoint>> sweeps = new TreeMap<>();
        for (ModelResult r : results) {
            Optional<SweepPoint> p = SweepPoint.of(r);
            if (r.matrix().equals(matrix) && p.isPresent()) {
                sweeps.computeIfAbsent(p.get().sweep(), s -> new ArrayList<>()).add(p.get());
            }
        }
        sweeps.values().forEach(points -> points.sort(Comparator.comparingLong(SweepPoint::step)));
        return sweeps;
    }
}
