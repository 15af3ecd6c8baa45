package dev.superscope.reports.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.ScalingFits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlapPlotTest {

    @TempDir
    Path dir;

    private static ModelResult row(String model, String family, String matrix, int m, double msq) {
        return new ModelResult(model, family, "l", matrix, true, 50000, m, "F32", OptionalInt.empty(),
                OptionalInt.empty(), 0, "all", "", "", "", Map.of("msq_overlap", msq));
    }

    private static List<ModelResult> families() {
        List<ModelResult> rows = new ArrayList<>();
        for (int m : new int[] {768, 1024, 1280, 1600}) {
            rows.add(row("gpt2-" + m, "gpt2", "unembedding", m, 2.1 / Math.pow(m, 0.95)));
        }
        for (int m : new int[] {512, 1024, 2048, 4096, 5120}) {
            rows.add(row("pythia-" + m, "pythia", "unembedding", m, 1.4 / m));
            rows.add(row("pythia-" + m, "pythia", "embedding", m, 3.0 / m));
        }
        rows.add(row("broken", "opt", "unembedding", 768, Double.NaN));
        return rows;
    }

    @Test
    void writesAPngOfTheRequestedSizeThatShowsEveryFamilyAndTheReferenceLine() throws IOException {
        List<ModelResult> rows = families();
        List<FitRow> fits = ScalingFits.fit(rows, List.of("msq_overlap"));
        Path file = dir.resolve(OverlapPlot.FILE_NAME);
        OverlapPlot.write(file, rows, fits, "unembedding", 900, 650);

        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(650, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        int black = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb == 0) {
                    black++;
                }
            }
        }
        assertTrue(colours.size() > 50, "a drawn chart has many colours, not " + colours.size());
        // The families are drawn in the first two palette colours (families sorted: gpt2, pythia).
        assertTrue(Pixels.countNear(image, OverlapPlot.PALETTE[0]) > 100, "gpt2 points and line are drawn");
        assertTrue(Pixels.countNear(image, OverlapPlot.PALETTE[1]) > 100, "pythia points and line are drawn");
        assertTrue(black > 200, "the dashed 1/m line and the text are black");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file is left");
        }
    }

    @Test
    void theChartHoldsPointsFitsAndTheReference() {
        List<ModelResult> rows = families();
        var chart = OverlapPlot.chart(rows, ScalingFits.fit(rows, List.of("msq_overlap")), "unembedding");
        var data = chart.getXYPlot().getDataset();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            keys.add(data.getSeriesKey(i).toString());
        }
        assertEquals(5, keys.size(), keys.toString());
        assertEquals("gpt2", keys.get(0));
        assertTrue(keys.get(1).startsWith("gpt2 fit: slope -0.950"), keys.get(1));
        assertEquals("pythia", keys.get(2));
        assertTrue(keys.get(3).startsWith("pythia fit: slope -1.000"), keys.get(3));
        assertEquals("1/m (prediction)", keys.get(4));
        assertEquals(4, data.getItemCount(0));
        assertEquals(1.0 / 1600, data.getXValue(0, 3), 1e-15);
        // The fitted line runs from the widest to the narrowest model and passes through the exact data.
        assertEquals(1.4 / 5120, data.getYValue(3, 0), 1e-15);
        assertEquals(1.4 / 512, data.getYValue(3, 1), 1e-15);
        // The reference is y = x.
        assertEquals(data.getXValue(4, 0), data.getYValue(4, 0));
        assertEquals(data.getXValue(4, 1), data.getYValue(4, 1));
        assertTrue(chart.getTitle().getText().contains("unembedding"));
    }

    @Test
    void anEmptyReportStillGivesAValidImage() throws IOException {
        Path file = dir.resolve("empty.png");
        OverlapPlot.write(file, List.of(), List.of(), "embedding", 400, 300);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(400, image.getWidth());
        assertEquals(300, image.getHeight());
        assertThrows(IllegalArgumentException.class, () -> OverlapPlot.write(file, List.of(), List.of(), "x", 10, 10));
    }
}
