package dev.superscope.reports.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepPlotTest {
    @TempDir
    Path dir;

    private static ModelResult point(String sweep, String revision, double msq, double centred) {
        return new ModelResult(revision.isEmpty() ? sweep : sweep + "@" + revision, "pythia", "gpt_neox",
                "unembedding", false, 50304, 512, "F16", OptionalInt.empty(), OptionalInt.empty(), 27, "all",
                "embed_out.weight", "GPTNeoXForCausalLM", "EleutherAI/" + sweep + "@" + revision, revision, "float32",
                Map.of("msq_overlap", msq, "msq_overlap_centered", centred));
    }

    @Test
    void drawsEachSweepsOverlapsAgainstStepPlusOneInStepOrder() throws IOException {
        List<ModelResult> rows = new ArrayList<>();
        rows.add(point("pythia-70m", "step143000", 0.01, 0.004));
        rows.add(point("pythia-70m", "step0", 0.002, 0.002));
        rows.add(point("pythia-70m", "step1000", 0.005, 0.003));
        rows.add(point("pythia-160m", "step0", 0.0013, 0.0013));
        rows.add(point("pythia-160m", "step1000", 0.003, Double.NaN));
        rows.add(point("gpt2", "", 0.02, 0.01)); // not a sweep's point
        assertTrue(StepPlot.hasPoints(rows, "unembedding"));
        assertFalse(StepPlot.hasPoints(rows, "embedding"));

        JFreeChart chart = StepPlot.chart(rows, "unembedding");
        XYDataset data = ((XYPlot) chart.getPlot()).getDataset();
        // pythia-160m, its centred line, pythia-70m, its centred line (sweeps in name order).
        assertEquals(4, data.getSeriesCount());
        assertEquals("pythia-160m", data.getSeriesKey(0));
        assertEquals(1, data.getItemCount(1), "the missing centred value is left out");
        assertEquals("pythia-70m", data.getSeriesKey(2));
        assertEquals(List.of(1.0, 1001.0, 143001.0), List.of(data.getXValue(2, 0), data.getXValue(2, 1),
                data.getXValue(2, 2)));
        assertEquals(0.004, data.getYValue(3, 2));

        Path file = dir.resolve(StepPlot.FILE_NAME);
        StepPlot.write(file, rows, "unembedding");
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(OverlapPlot.WIDTH, image.getWidth());
        assertEquals(OverlapPlot.HEIGHT, image.getHeight());
    }
}
