package dev.superscope.cli;

import dev.superscope.pipeline.demo.DemoCheckpoints;
import dev.superscope.pipeline.demo.DemoFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Losses given in models.yaml reach models.csv, the joint fit of fits.csv recovers the exponent they
 * were made with, and loss_vs_m.png is drawn.
 */
class LossReportTest {

    @Test
    void lossesFromModelsYamlAreFittedJointly(@TempDir Path tmp) throws IOException {
        StringBuilder yaml = new StringBuilder("models:\n");
        double a = 2.0;
        double alpha = 0.91;
        for (int m : new int[] {16, 32, 64, 128, 256}) {
            Path dir = tmp.resolve("ckpt-m" + m);
            DemoCheckpoints.write(dir, DemoFamily.STRONG, 256, m, 1);
            double wiki = a * Math.pow(m, -alpha) + 1.5;
            double web = a * Math.pow(m, -alpha) + 1.8;
            yaml.append(String.format(Locale.ROOT, "  - {name: m%d, family: toy, path: %s, losses: {wiki: %.17g, web: %.17g}}%n",
                    m, dir.getFileName(), wiki, web));
        }
        Path models = Files.writeString(tmp.resolve("models.yaml"), yaml.toString());
        Path out = tmp.resolve("out");
        Cli r = Cli.run("run", models.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out.resolve("loss_vs_m.png")) > 1000);
        assertTrue(Files.readString(out.resolve("models.csv")).lines().findFirst().orElseThrow()
                .contains("loss_web,loss_wiki"));
        try (Reader in = Files.newBufferedReader(out.resolve("fits.csv"))) {
            List<CSVRecord> fits = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(in).getRecords();
            CSVRecord joint = fits.stream().filter(f -> f.get("metric").equals("loss") && f.get("family").equals("all"))
                    .findFirst().orElseThrow();
            assertEquals(-alpha, Double.parseDouble(joint.get("slope")), 1e-6);
            assertEquals(a, Double.parseDouble(joint.get("A")), 1e-5);
            assertTrue(Double.parseDouble(joint.get("slope_stderr")) < 1e-6, "noise-free losses fit exactly");
        }
        // A re-run with --force measures the matrices again but keeps the losses.
        Cli again = Cli.run("run", models.toString(), "--out", out.toString(), "--force");
        assertEquals(0, again.code(), again.err());
        assertTrue(Files.readString(out.resolve("models.csv")).contains("loss_wiki"));
    }
}
