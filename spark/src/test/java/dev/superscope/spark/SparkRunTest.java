package dev.superscope.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.cli.Main;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import dev.superscope.reports.TokensCsv;
import dev.superscope.reports.fit.FitsCsv;
import dev.superscope.reports.plot.OverlapPlot;
import dev.superscope.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --master local[2,2]} against the local {@code run} on a models.yaml of the shared fixtures:
 * the same models.csv (every metric to 1e-12 relative; the same rows, none twice), the same fits.csv and
 * token tables, also when one model's task fails once and Spark retries it; a model with bad input is
 * reported by name (exit 3) while the others finish; a second run resumes.
 */
class SparkRunTest {
    private static final String ANALYZERS = "norms,overlap,pairwise,decode-error";

    @TempDir
    Path tmp;

    /** What the command printed and returned. */
    record Cli(int code, String out, String err) {
        static Cli run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Cli(code, out.toString(), err.toString());
        }
    }

    @AfterEach
    void clearProperties() {
        System.clearProperty(WorkerSetup.FAIL_FIRST_ATTEMPT_KEY);
        System.clearProperty("superscope.threads");
    }

    private Path modelsYaml() throws IOException {
        Path fixtures = Fixtures.root().resolve("checkpoints");
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_embd\": 16}");
        StringBuilder yaml = new StringBuilder("models:\n");
        for (String[] m : new String[][] {{"gpt2-m16", "gpt2"}, {"cerebras-gpt2-tiny", "gpt2"},
            {"gptneox-tiny", "small"}, {"opt-tiny", "small"}, {"qwen2-tiny", "small"}, {"smollm2-bf16-tiny", "small"},
            {"llama-sharded", "small"}}) {
            yaml.append("  - {name: ").append(m[0]).append(", family: ").append(m[1]).append(", path: '")
                    .append(Fixtures.existing(fixtures.resolve(m[0]))).append("'}\n");
        }
        yaml.append("  - {name: broken, family: small, path: '").append(broken).append("'}\n");
        return Files.writeString(tmp.resolve("models.yaml"), yaml);
    }

    @Test
    void sparkRunEqualsTheLocalRunAfterARetry() throws IOException {
        Path yaml = modelsYaml();
        // One thread on both sides: a task computes with spark.task.cpus (1) threads.
        System.setProperty("superscope.threads", "1");
        Path local = tmp.resolve("local");
        Cli l = Cli.run("run", yaml.toString(), "--analyzers", ANALYZERS, "--matrix", "both", "--out", local.toString());
        assertEquals(3, l.code(), l.err());

        System.setProperty(WorkerSetup.FAIL_FIRST_ATTEMPT_KEY, "opt-tiny");
        Path spark = tmp.resolve("spark");
        Cli s = Cli.run("run", yaml.toString(), "--analyzers", ANALYZERS, "--matrix", "both", "--out", spark.toString(),
                "--master", "local[2,2]");
        assertEquals(3, s.code(), s.err());
        assertTrue(s.err().contains("spark: opt-tiny: attempt 1 failed") && s.err().contains("on purpose"),
                "the failed attempt is reported: " + s.err());
        assertTrue(s.err().lines().anyMatch(line -> line.startsWith("superscope: broken: ")), s.err());
        assertTrue(s.out().contains("1 of the models failed") || s.err().contains("1 of the models failed"), s.err());

        List<ModelResult> want = ModelsCsv.read(local.resolve(ModelsCsv.FILE_NAME));
        List<ModelResult> got = ModelsCsv.read(spark.resolve(ModelsCsv.FILE_NAME));
        assertEquals(14, want.size(), "7 models, 2 matrices each");
        assertSameRows(want, got);
        assertSameCsv(local.resolve(FitsCsv.FILE_NAME), spark.resolve(FitsCsv.FILE_NAME));
        for (ModelResult r : want) {
            assertArrayEquals(Files.readAllBytes(TokensCsv.fileFor(local, r.model())),
                    Files.readAllBytes(TokensCsv.fileFor(spark, r.model())), "tokens of " + r.model());
        }
        assertTrue(Files.size(spark.resolve(OverlapPlot.FILE_NAME)) > 0);

        // Run again: every finished model is kept and skipped; only the broken one is tried again.
        System.clearProperty(WorkerSetup.FAIL_FIRST_ATTEMPT_KEY);
        Cli again = Cli.run("run", yaml.toString(), "--analyzers", ANALYZERS, "--matrix", "both", "--out", spark.toString(),
                "--master", "local[2]");
        assertEquals(3, again.code(), again.err());
        assertEquals(7, again.err().lines().filter(line -> line.contains(": already in ")).count(), again.err());
        assertSameRows(want, ModelsCsv.read(spark.resolve(ModelsCsv.FILE_NAME)));
    }

    @Test
    void anUnreachableMasterIsOneLineWithExitFour() throws IOException {
        Path yaml = modelsYaml();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Cli r = Cli.run("run", yaml.toString(), "--out", tmp.resolve("o").toString(), "--master",
                "spark://127.0.0.1:" + port);
        assertEquals(4, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("cannot reach the Spark master spark://127.0.0.1:" + port), r.err());

        Cli bad = Cli.run("run", yaml.toString(), "--out", tmp.resolve("o").toString(), "--master", "nowhere[");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().strip().lines().anyMatch(l -> l.contains("is not a Spark master URL")), bad.err());
    }

    /** Same (model, matrix) keys, once each; identity equal; every metric equal to 1e-12 relative. */
    static void assertSameRows(List<ModelResult> want, List<ModelResult> got) {
        Map<String, ModelResult> byKey = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (ModelResult r : got) {
            assertTrue(seen.add(r.model() + "/" + r.matrix()), "a row twice: " + r.model() + " " + r.matrix());
            byKey.put(r.model() + "/" + r.matrix(), r);
        }
        assertEquals(want.size(), got.size());
        for (ModelResult w : want) {
            ModelResult g = byKey.get(w.model() + "/" + w.matrix());
            assertTrue(g != null, "missing " + w.model() + " " + w.matrix());
            assertEquals(w.withMetrics(Map.of()), g.withMetrics(Map.of()), "identity of " + w.model());
            assertEquals(w.metrics().keySet(), g.metrics().keySet());
            for (String metric : w.metrics().keySet()) {
                assertClose(w.metric(metric), g.metric(metric), w.model() + " " + w.matrix() + " " + metric);
            }
        }
    }

    static void assertClose(double want, double got, String what) {
        if (Double.isNaN(want) || Double.isNaN(got)) {
            assertEquals(Double.isNaN(want), Double.isNaN(got), what + ": " + want + " vs " + got);
            return;
        }
        assertTrue(want == got || Math.abs(want - got) <= 1e-12 * Math.max(Math.abs(want), Math.abs(got)),
                what + ": " + want + " vs " + got);
    }

    /** Two CSV files with the same cells, numbers to 1e-12 relative. */
    static void assertSameCsv(Path want, Path got) throws IOException {
        List<String> a = Files.readAllLines(want);
        List<String> b = Files.readAllLines(got);
        assertEquals(a.size(), b.size(), want + " vs " + got);
        for (int i = 0; i < a.size(); i++) {
            String[] x = a.get(i).split(",", -1);
            String[] y = b.get(i).split(",", -1);
            assertEquals(x.length, y.length, "line " + i);
            for (int k = 0; k < x.length; k++) {
                if (x[k].equals(y[k])) {
                    continue;
                }
                assertClose(Double.parseDouble(x[k]), Double.parseDouble(y[k]), want.getFileName() + " line " + i);
            }
        }
    }
}
