package dev.superscope.cli;

import static dev.superscope.cli.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tensor NAME [--transpose]} end to end on the shared fixtures: the named tensor gives exactly the
 * loader's numbers, in the checkpoint and in a file with no config.json beside it, a transposed copy gives
 * the same numbers again, and mistakes are one-line exit-3 errors that help.
 */
class TensorCommandTest {
    private static final String ALL = "norms,overlap,pairwise,decode-error";

    @TempDir
    Path tmp;

    private ModelResult analyze(String name, String... extra) {
        Path out = tmp.resolve("out-" + name);
        List<String> args = new java.util.ArrayList<>(List.of("analyze", "--out", out.toString(), "--name", name));
        args.addAll(List.of(extra));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<ModelResult> rows = ModelsCsv.read(out.resolve("models.csv"));
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    /** Every metric of the two rows is the same double, and so are n, m and dtype. */
    private static void assertSameNumbers(ModelResult expected, ModelResult actual) {
        assertEquals(expected.n(), actual.n());
        assertEquals(expected.m(), actual.m());
        assertEquals(expected.dtype(), actual.dtype());
        assertEquals(expected.metrics().keySet(), actual.metrics().keySet());
        for (Map.Entry<String, Double> e : expected.metrics().entrySet()) {
            assertEquals(e.getValue(), actual.metric(e.getKey()), e.getKey());
        }
    }

    @Test
    void theGpt2EmbeddingByNameGivesTheLoadersNumbers() throws IOException {
        String dir = Cli.checkpoint("gpt2-m16").toString();
        ModelResult loaded = analyze("loader", dir, "--analyzers", "norms,overlap");
        ModelResult named = analyze("named", dir, "--analyzers", "norms,overlap", "--tensor", "transformer.wte.weight");
        assertSameNumbers(loaded, named);
        assertEquals("gpt2", loaded.loader());
        assertEquals("tensor", named.loader());
        assertEquals("transformer.wte.weight", named.tensor());
        assertEquals("GPT2LMHeadModel", named.architecture());
        // The tokenizer beside it still names the tokens.
        String tokens = Files.readString(tmp.resolve("out-named/tokens/named.csv"));
        assertTrue(tokens.contains("\n262,\" the\",false,"), "token 262 is \" the\"");
    }

    @Test
    void everyAnalyzerAgreesOnASmallCheckpoint() {
        String dir = Cli.checkpoint("cerebras-gpt2-tiny").toString();
        assertSameNumbers(analyze("loader", dir, "--analyzers", ALL),
                analyze("named", dir, "--analyzers", ALL, "--tensor", "transformer.wte.weight"));
        assertTrue(Files.exists(tmp.resolve("out-named/norms_named.png")));
        assertTrue(Files.exists(tmp.resolve("out-named/cosines_named.png")));
    }

    @Test
    void aWeightsFileWithNoConfigBesideItGivesTheSameNumbers() throws IOException {
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(Cli.checkpoint("gpt2-m16").resolve("model.safetensors"), bare.resolve("weights.safetensors"));
        ModelResult loaded = analyze("loader", Cli.checkpoint("gpt2-m16").toString(), "--analyzers", "norms,overlap");
        ModelResult file = analyze("file", bare.resolve("weights.safetensors").toString(), "--analyzers",
                "norms,overlap", "--tensor", "transformer.wte.weight");
        ModelResult dir = analyze("dir", bare.toString(), "--analyzers", "norms,overlap", "--tensor",
                "transformer.wte.weight");
        assertSameNumbers(loaded, file);
        assertSameNumbers(loaded, dir);
        assertEquals("", file.architecture(), "no config.json, no architecture");
        assertTrue(file.tokenizerVocab().isEmpty());
        Cli inspect = Cli.run("inspect", bare.toString(), "--tensor", "transformer.wte.weight", "--json");
        assertEquals(0, inspect.code(), inspect.err());
        JsonNode j = new ObjectMapper().readTree(inspect.out());
        assertEquals("tensor", j.get("loader").asText());
        assertEquals(50257, j.get("unembedding").get("n").asInt());
        assertEquals(16, j.get("embedding").get("m").asInt());
    }

    @Test
    void transposedCopyReadWithTransposeGivesTheSameNumbers() throws IOException {
        Path src = Cli.checkpoint("gpt2-m16");
        Path copy = Files.createDirectories(tmp.resolve("transposed"));
        try (Checkpoint cp = CheckpointOpener.open(src, "gpt2-m16")) {
            Matrix wte = cp.tensors().matrix("transformer.wte.weight");
            int n = (int) wte.rows();
            int m = wte.cols();
            float[] rows = wte.rowsAsFloats(0, n);
            float[] columns = new float[rows.length];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < m; c++) {
                    columns[c * n + i] = rows[i * m + c];
                }
            }
            new SafetensorsWriter().floats("lm_head_t", DType.F32, new long[] {m, n}, columns)
                    .write(copy.resolve("model.safetensors"));
        }
        ModelResult loaded = analyze("loader", src.toString(), "--analyzers", "norms,overlap");
        ModelResult transposed = analyze("t", copy.toString(), "--analyzers", "norms,overlap", "--tensor", "lm_head_t",
                "--transpose");
        assertSameNumbers(loaded, transposed);
        assertEquals(50257, transposed.n());
        Cli inspect = Cli.run("inspect", copy.toString(), "--tensor", "lm_head_t", "--transpose");
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("unembedding   lm_head_t  n=50257 m=16 F32 (transposed)"), inspect.out());
    }

    @Test
    void aTypoIsAOneLineErrorListingTheNearNames() {
        String dir = Cli.checkpoint("gpt2-m16").toString();
        for (String command : new String[] {"analyze", "inspect", "collisions"}) {
            Cli r = command.equals("analyze")
                    ? Cli.run(command, dir, "--tensor", "transformer.wte.weigth", "--out", tmp.resolve("typo").toString())
                    : Cli.run(command, dir, "--tensor", "transformer.wte.weigth");
            assertOneLineError(r, 3, "model.safetensors", "no tensor named \"transformer.wte.weigth\"",
                    "similar: \"transformer.wte.weight\"");
        }
        assertFalse(Files.exists(tmp.resolve("typo/models.csv")), "no report for a failed model");
    }

    @Test
    void aTensorThatIsNotAFloatingPointMatrixIsRefused() throws IOException {
        String dir = Cli.checkpoint("gpt2-m16").toString();
        assertOneLineError(Cli.run("analyze", dir, "--tensor", "transformer.h.0.ln_1.weight", "--out",
                tmp.resolve("o").toString()), 3, "transformer.h.0.ln_1.weight", "[16] (1-D)", "2-D matrix");
        Path ints = Files.createDirectories(tmp.resolve("ints"));
        new SafetensorsWriter().tensor("ids", DType.I32, new long[] {2, 2}, ByteBuffer.allocate(16))
                .write(ints.resolve("model.safetensors"));
        assertOneLineError(Cli.run("analyze", ints.toString(), "--tensor", "ids", "--out", tmp.resolve("o").toString()),
                3, "model.safetensors", "dtype I32", "F16, BF16, F32, F64");
        assertOneLineError(Cli.run("analyze", dir, "--tensor", "transformer.wte.weight", "--loader", "gpt2", "--out",
                tmp.resolve("o").toString()), 2, "not both");
        assertOneLineError(Cli.run("analyze", dir, "--transpose", "--out", tmp.resolve("o").toString()), 2, "--tensor");
    }

    @Test
    void theCollapseThresholdIsAnOptionAndIsRecorded() throws IOException {
        Path dir = Cli.checkpoint("cerebras-gpt2-tiny");
        ModelResult row = analyze("loose", dir.toString(), "--analyzers", "pairwise", "--collapse-threshold", "0.5");
        assertEquals(0.5, row.metric("collapse_threshold"));
        float[] w;
        try (Checkpoint cp = CheckpointOpener.open(dir, "c")) {
            w = cp.tensors().matrix("transformer.wte.weight").rowsAsFloats(0, 12);
        }
        int collapsed = 0;
        for (int i = 0; i < 12; i++) {
            double best = 0;
            for (int j = 0; j < 12; j++) {
                if (j != i) {
                    double ij = 0;
                    double ii = 0;
                    double jj = 0;
                    for (int c = 0; c < 8; c++) {
                        ij += (double) w[i * 8 + c] * w[j * 8 + c];
                        ii += (double) w[i * 8 + c] * w[i * 8 + c];
                        jj += (double) w[j * 8 + c] * w[j * 8 + c];
                    }
                    best = Math.max(best, Math.abs(ij / Math.sqrt(ii * jj)));
                }
            }
            collapsed += best >= 0.5 ? 1 : 0;
        }
        assertTrue(collapsed > 0, "the loose threshold finds some");
        assertEquals(collapsed, row.metric("collapsed_rows"));
        String csv = Files.readString(tmp.resolve("out-loose/models.csv"));
        assertTrue(csv.lines().findFirst().orElseThrow().endsWith("collapse_threshold,collapsed_groups,collapsed_rows"),
                csv.lines().findFirst().orElseThrow());
        assertEquals(2, Cli.run("analyze", dir.toString(), "--collapse-threshold", "1.5", "--out",
                tmp.resolve("bad").toString()).code());
    }
}
