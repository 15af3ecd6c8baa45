package dev.superscope.cli;

import dev.superscope.pipeline.demo.Demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end, on a smaller vocabulary so the test stays quick. */
class DemoCommandTest {

    @Test
    void demoWritesTablesFitsAndPlotWithSlopeNearMinusOne(@TempDir Path out) throws IOException {
        Cli r = Cli.run("demo", "--out", out.toString(), "--vocab", "2048");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out.resolve("overlap_vs_inv_m.png")) > 1000);

        List<ModelResult> rows = ModelsCsv.read(out.resolve("models.csv"));
        assertEquals(2 * Demo.WIDTHS.length, rows.size());
        for (ModelResult row : rows) {
            assertTrue(row.has("decode_error_rate") && row.has("mean_abs_overlap"), row.model());
            if (row.family().startsWith("strong")) {
                // Random directions: the mean squared overlap is 1/m up to sampling noise.
                assertEquals(1.0, row.metric("msq_times_m"), 0.1, row.model());
                assertEquals(1.0, row.metric("frac_represented"), 1e-9, row.model());
            } else {
                // Only the first quarter is represented; the rest cannot win their own decode.
                assertEquals(0.25, row.metric("frac_represented"), 1e-9, row.model());
                assertEquals(0.75, row.metric("decode_error_rate"), 0.01, row.model());
                assertTrue(row.metric("msq_times_m") > 2, row.model() + ": shared direction inflates overlaps");
            }
        }
        try (var reader = Files.newBufferedReader(out.resolve("fits.csv"))) {
            List<CSVRecord> fits = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(reader).getRecords();
            CSVRecord strong = fits.stream().filter(f -> f.get("family").startsWith("strong")
                    && f.get("metric").equals("msq_overlap")).findFirst().orElseThrow();
            assertEquals(-1.0, Double.parseDouble(strong.get("slope")), 0.05);
            assertEquals("true", strong.get("consistent_with_prediction"));
            CSVRecord weak = fits.stream().filter(f -> f.get("family").startsWith("weak")
                    && f.get("metric").equals("msq_overlap")).findFirst().orElseThrow();
            assertEquals("false", weak.get("consistent_with_prediction"));
        }
        Path tokens = out.resolve("tokens").resolve("strong-m32.csv");
        List<String> lines = Files.readAllLines(tokens);
        assertEquals(2048 + 1, lines.size());
        assertTrue(lines.get(1).startsWith("0,tok00000,"), lines.get(1));

        // A second run finds every model done and recomputes nothing.
        Cli again = Cli.run("demo", "--out", out.toString(), "--vocab", "2048");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("already in"), again.err());
    }
}
