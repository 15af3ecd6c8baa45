package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code analyze} on every shared fixture checkpoint reproduces the float64 statistics its PROVENANCE.md
 * records (computed by numpy over the same rows) to a relative 1e-4.
 */
class FixtureStatisticsTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path out;

    /** The numbers a PROVENANCE.md states for the unembedding. */
    record Provenance(int n, int m, String tensor, double normMean, double normStdPopulation, double normMin,
                      double normMax, int zeroRows, double msqCosine, double meanAbsCosine) {

        static Provenance read(Path file) throws IOException {
            String text = Files.readString(file);
            Matcher matrix = find(text, "- matrix: `([^`]+)`\\s+n=(\\d+)\\s+m=(\\d+)");
            Matcher norms = find(text, "row L2 norm: mean=(\\S+) std=(\\S+) \\(population, ddof=0\\) min=(\\S+) "
                    + "max=([^;]+); zero rows=(\\d+)");
            return new Provenance(Integer.parseInt(matrix.group(2)), Integer.parseInt(matrix.group(3)),
                    matrix.group(1), Double.parseDouble(norms.group(1)), Double.parseDouble(norms.group(2)),
                    Double.parseDouble(norms.group(3)), Double.parseDouble(norms.group(4)),
                    Integer.parseInt(norms.group(5)),
                    Double.parseDouble(find(text, "mean squared cosine over i!=j: (\\S+)").group(1)),
                    Double.parseDouble(find(text, "mean \\|cosine\\| over i!=j: (\\S+)").group(1)));
        }

        private static Matcher find(String text, String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            assertTrue(m.find(), "PROVENANCE.md has no line matching " + regex);
            return m;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "gpt2-m16,           gpt2-m16,                  ''",
        "cerebras-gpt2-tiny, cerebras-gpt2-tiny,        ''",
        "gptneox-tiny,       gptneox-tiny,              ''",
        "opt-tiny,           opt-tiny,                  ''",
        "qwen2-tiny,         qwen2-tiny,                ''",
        "smollm2-bf16-tiny,  smollm2-bf16-tiny,         ''",
        "llama-sharded,      llama-sharded,             ''",
        "torch-bin,          torch-bin/tiny_gpt2.bin,   gpt2",
    })
    void analyzeReproducesProvenance(String fixture, String location, String loader) throws IOException {
        Path dir = Cli.checkpoint(fixture);
        Provenance expected = Provenance.read(dir.resolve("PROVENANCE.md"));
        // Pairwise over 50257 rows is 1.3e9 products: fine, but only the small fixtures need it here.
        String analyzers = expected.n() > 1000 ? "norms,overlap" : "norms,overlap,pairwise";
        List<String> args = new ArrayList<>(List.of("analyze", Cli.checkpoint(location).toString(),
                "--out", out.toString(), "--name", fixture, "--analyzers", analyzers));
        if (!loader.isEmpty()) {
            args.addAll(List.of("--loader", loader));
        }
        Cli result = Cli.run(args.toArray(String[]::new));
        assertEquals(0, result.code(), result.err());

        List<ModelResult> rows = ModelsCsv.read(out.resolve("models.csv"));
        assertEquals(1, rows.size());
        ModelResult row = rows.get(0);
        assertEquals(expected.n(), row.n());
        assertEquals(expected.m(), row.m());
        assertEquals(expected.tensor(), row.tensor());
        int finiteRows = expected.n();
        close(expected.normMean(), row.metric("norm_mean"), "norm_mean");
        close(expected.normStdPopulation() * Math.sqrt(finiteRows / (finiteRows - 1.0)), row.metric("norm_std"),
                "norm_std (sample)");
        close(expected.normMin(), row.metric("norm_min"), "norm_min");
        close(expected.normMax(), row.metric("norm_max"), "norm_max");
        assertEquals(expected.zeroRows(), (int) row.metric("zero_rows"), "zero_rows");
        close(expected.msqCosine(), row.metric("msq_overlap"), "msq_overlap");
        close(1.0 / expected.m(), row.metric("inv_m"), "inv_m");
        if (analyzers.contains("pairwise")) {
            close(expected.meanAbsCosine(), row.metric("mean_abs_overlap"), "mean_abs_overlap");
        }
        assertTrue(Files.exists(out.resolve("tokens")), "tokens/ written");
    }

    private static void close(double expected, double actual, String what) {
        double scale = Math.max(Math.abs(expected), 1e-300);
        assertTrue(Math.abs(actual - expected) <= TOLERANCE * scale,
                what + ": expected " + expected + " but measured " + actual);
    }
}
