package dev.superscope.reports.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.LossFits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {

    @TempDir
    Path dir;

    private static List<ModelResult> losses() {
        List<ModelResult> rows = new ArrayList<>();
        String[] families = {"gpt2", "pythia"};
        for (int f = 0; f < 2; f++) {
            for (int m : new int[] {128, 256, 512, 1024, 2048}) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("loss_pile", 300 * Math.pow(m, -0.91) + 2 + f);
                metrics.put("loss_wiki", 300 * Math.pow(m, -0.91) + 2.5 + f);
                rows.add(new ModelResult(families[f] + m, families[f], "l", "unembedding", false, 1000, m, "F32",
                        OptionalInt.empty(), OptionalInt.empty(), 0, "all", "", "", "", metrics));
            }
        }
        return rows;
    }

    @Test
    void writesAPngOfTheRequestedSizeWithEveryFamilyAndTheFittedLine() throws IOException {
        List<ModelResult> rows = losses();
        List<FitRow> fits = LossFits.fit(rows);
        Path file = dir.resolve(LossPlot.FILE_NAME);
        LossPlot.write(file, rows, fits, 820, 610);

        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(820, image.getWidth());
        assertEquals(610, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertTrue(colours.size() > 50, "a drawn chart has many colours, not " + colours.size());
        assertTrue(Pixels.countNear(image, ChartStyle.PALETTE[0]) > 50, "gpt2 points are drawn");
        assertTrue(Pixels.countNear(image, ChartStyle.PALETTE[1]) > 50, "pythia points are drawn");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file is left");
        }
    }

    @Test
    void pointsAreLossMinusOffsetAndFallOnTheLine() {
        List<ModelResult> rows = losses();
        JFreeChart chart = LossPlot.chart(rows, LossFits.fit(rows));
        XYDataset data = chart.getXYPlot().getDataset();
        assertEquals(5, data.getSeriesCount());
        assertEquals("gpt2 \u00b7 pile", data.getSeriesKey(0).toString());
        assertEquals("pythia \u00b7 wiki", data.getSeriesKey(3).toString());
        assertTrue(data.getSeriesKey(4).toString().contains("\u03b1 = 0.910 \u00b1 0.000"), data.getSeriesKey(4).toString());
        for (int s = 0; s < 4; s++) {
            assertEquals(5, data.getItemCount(s));
            for (int i = 0; i < 5; i++) {
                double m = data.getXValue(s, i);
                assertEquals(300 * Math.pow(m, -0.91), data.getYValue(s, i), 1e-9);
            }
        }
        assertEquals(300 * Math.pow(128 / 1.2, -0.91), data.getYValue(4, 0), 1e-8);
    }

    @Test
    void withoutAJointFitTheImageIsStillValid() throws IOException {
        Path file = dir.resolve("empty.png");
        LossPlot.write(file, List.of(), List.of(), 400, 300);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(400, image.getWidth());
        assertEquals(300, image.getHeight());
        assertThrows(IllegalArgumentException.class, () -> LossPlot.write(file, List.of(), List.of(), 100, 300));
    }
}
