package dev.superscope.reports.plot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-model pictures: the norm histogram's counts by hand, and both PNGs read back — their size, that
 * they are drawn, and that the marked bins (padding, collapsed, beyond the threshold) are drawn in their
 * own colours.
 */
class GeometryPlotsTest {
    @TempDir
    Path dir;

    @Test
    void aRowIsMarkedCollapsedExactlyWhenTheScanCountsIt() {
        // The scan compares float32 cosines with the threshold rounded to float32: 0.95f counts at 0.95,
        // though as a double it lies below 0.95.
        assertTrue(NormHistogram.collapsed((double) 0.95f, 0.95));
        assertTrue(NormHistogram.collapsed((double) Math.nextUp(0.95f), 0.95));
        assertFalse(NormHistogram.collapsed((double) Math.nextDown(0.95f), 0.95));
    }

    @Test
    void normBinsSplitRowsIntoPaddingCollapsedAndTheRest() {
        double[] norms = {0.0, 1.0, 2.0, 3.0, 4.0, Double.NaN, 4.0, 0.5};
        double[] nearest = {0.2, 0.995, 0.99, 0.5, Double.NaN, Double.NaN, 1.0, 0.1};
        NormHistogram h = NormHistogram.of(norms, nearest, 0.99, OptionalInt.of(6), 0.5, 4);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, h.edges());
        // bins [0,1) [1,2) [2,3) [3,4]: row 6 and 7 are padding (ids >= 6), rows 1 and 2 collapsed.
        assertArrayEquals(new long[] {1, 0, 0, 2}, h.other());
        assertArrayEquals(new long[] {0, 1, 1, 0}, h.collapsed());
        assertArrayEquals(new long[] {1, 0, 0, 1}, h.padded());
        assertEquals(1, h.nonFinite());
        assertEquals(7, h.total());
        // p90 of the sorted finite norms {0, .5, 1, 2, 3, 4, 4} is 4 (position 5.4), tau 0.5: 2.
        assertEquals(2.0, h.represented(), 1e-12);
        assertTrue(h.collapseMeasured());
        NormHistogram unknown = NormHistogram.of(norms, null, 0.99, OptionalInt.empty(), 0.5, 4);
        assertTrue(!unknown.collapseMeasured());
        assertArrayEquals(new long[] {0, 0, 0, 0}, unknown.collapsed(), "no nearest neighbours: none collapsed");
        var chart = NormsPlot.chart("m", "unembedding", unknown, 0.99);
        boolean said = false;
        for (int t = 0; t < chart.getSubtitleCount(); t++) {
            said |= chart.getSubtitle(t) instanceof org.jfree.chart.title.TextTitle title
                    && title.getText().contains("collapsed rows not measured");
        }
        assertTrue(said, "the picture says the collapsed rows were not measured");
    }

    @Test
    void theNormPictureMarksPaddingAndCollapsedRowsInTheirColours() throws IOException {
        Random random = new Random(4);
        int n = 5000;
        double[] norms = new double[n];
        double[] nearest = new double[n];
        for (int i = 0; i < n; i++) {
            // 1000 short collapsed rows, 500 padding rows at the end, the rest ordinary.
            norms[i] = i < 1000 ? 0.1 + 0.01 * random.nextGaussian() : 1 + 0.1 * random.nextGaussian();
            nearest[i] = i < 1000 ? 0.999 : 0.3;
        }
        Path file = NormsPlot.fileFor(dir, "org/model");
        assertEquals(dir.resolve("norms_org--model.png"), file);
        NormsPlot.write(file, "org/model", "unembedding", NormHistogram.of(norms, nearest, 0.99,
                OptionalInt.of(n - 500), 0.5, NormHistogram.BINS), 0.99, 900, 600);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(600, image.getHeight());
        assertTrue(distinctColours(image) > 30, "a drawn chart");
        assertTrue(Pixels.countNear(image, HistogramStyle.ORDINARY) > 500, "ordinary rows are drawn in blue");
        assertTrue(Pixels.countNear(image, HistogramStyle.COLLAPSED) > 500, "collapsed rows are drawn in red");
        assertTrue(Pixels.countNear(image, HistogramStyle.PADDING) > 200, "padding rows are drawn in grey");
    }

    @Test
    void theCosinePictureDrawsTheCollapsedTailInItsOwnColour() throws IOException {
        int bins = 200;
        double[] counts = new double[bins];
        double[] edges = new double[bins + 1];
        for (int k = 0; k <= bins; k++) {
            edges[k] = -1.0 + 2.0 * k / bins;
        }
        for (int k = 0; k < bins; k++) {
            double centre = (edges[k] + edges[k + 1]) / 2;
            counts[k] = Math.round(1e6 * Math.exp(-centre * centre / 0.02));
        }
        counts[bins - 1] = 5000; // [0.99, 1]: collapsed pairs
        counts[0] = 20;          // [-1, -0.99): anti-collapsed pairs
        assertTrue(CosinePlot.isCollapsedBin(edges[bins - 1], edges[bins], 0.99));
        assertTrue(CosinePlot.isCollapsedBin(edges[0], edges[1], 0.99));
        assertTrue(!CosinePlot.isCollapsedBin(edges[bins - 2], edges[bins - 1], 0.99));
        Path file = CosinePlot.fileFor(dir, "m");
        CosinePlot.write(file, "m", "unembedding", counts, edges, 0.99, 900, 600);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(600, image.getHeight());
        assertTrue(Pixels.countNear(image, HistogramStyle.ORDINARY) > 2000, "the bulk is drawn in blue");
        assertTrue(Pixels.countNear(image, HistogramStyle.COLLAPSED) > 100, "the collapsed tail is drawn in red");
        assertThrows(IllegalArgumentException.class, () -> CosinePlot.chart("m", "u", counts, new double[3], 0.99));
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }
}
