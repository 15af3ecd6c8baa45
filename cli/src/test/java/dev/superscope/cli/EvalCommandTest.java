package dev.superscope.cli;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.pipeline.eval.StridedEvaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Plugins;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code superscope eval} on gpt2-m16 (GPT-2 architecture, the real GPT-2 tokenizer) against a direct,
 * independent computation from {@link ForwardModel#logits} on the same windows.
 */
class EvalCommandTest {
    private static final String TEXT = "The quick brown fox jumps over the lazy dog. Superposition lets a model "
            + "store more features than it has dimensions, at the price of interference between them; the "
            + "overlap of two random unit vectors in m dimensions is about 1/m.\nNumbers too: 3.14159, 2025.";

    private static Checkpoint opened;
    private static ForwardModel forward;
    private static long[] ids;

    @TempDir
    Path tmp;

    private static Path checkpoint() {
        return Cli.checkpoint("gpt2-m16");
    }

    @BeforeAll
    static void openModel() throws IOException {
        opened = CheckpointOpener.open(checkpoint(), "gpt2-m16");
        forward = Plugins.discover(EvalCommandTest.class.getClassLoader()).architectureFor(opened.config())
                .forward(opened, ForwardSettings.of(ForwardPrecision.FLOAT64));
        ids = tokens(TEXT);
    }

    @AfterAll
    static void closeModel() {
        if (forward != null) {
            forward.close();
            opened.close();
        }
    }

    /** The text's ids by the fixture's tokenizer.json, opened here directly, without special tokens. */
    private static long[] tokens(String text) throws IOException {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(checkpoint().resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"))) {
            return t.encode(text, false, false).getIds();
        }
    }

    /** Loss sum, error count and scored tokens, computed directly: one forward pass per window. */
    private record Direct(double nll, long errors, long tokens) {
    }

    /**
     * Windows start every {@code stride} tokens and hold at most {@code context}; each scores the tokens after
     * the last one scored up to the one just past its end (its last logit row). Asserts each token is scored
     * exactly once, with at least {@code context - stride + 1} tokens of context.
     */
    private static Direct direct(long[] ids, int context, int stride) {
        int[] timesScored = new int[ids.length];
        double nll = 0;
        long errors = 0;
        int last = 0;
        for (int begin = 0; last < ids.length - 1; begin += stride) {
            int end = Math.min(begin + context, ids.length - 1);
            double[][] logits = forward.logits(Arrays.copyOfRange(ids, begin, end));
            for (int t = last + 1; t <= end; t++) {
                double[] row = logits[t - 1 - begin];
                nll += NextToken.loss(row, ids[t]);
                errors += NextToken.top1(row) == ids[t] ? 0 : 1;
                timesScored[t]++;
                assertTrue(t - begin >= Math.min(t, context - stride + 1), "context of token " + t);
            }
            last = end;
        }
        assertEquals(0, timesScored[0], "the first token has nothing to be predicted from");
        for (int t = 1; t < ids.length; t++) {
            assertEquals(1, timesScored[t], "token " + t + " scored exactly once");
        }
        return new Direct(nll, errors, ids.length - 1L);
    }

    private Path text(String fileName, String content) throws IOException {
        return Files.writeString(tmp.resolve(fileName), content);
    }

    private static ModelResult row(Path out, String model) {
        return ModelsCsv.read(out.resolve("models.csv")).stream().filter(r -> r.model().equals(model))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + model));
    }

    @ParameterizedTest(name = "context {0}, stride {1}, batch {2}")
    @CsvSource({"16, 8, 8", "16, 16, 1", "16, 1, 5", "7, 3, 2", "1, 1, 8", "200, 200, 8"})
    void lossAndTop1MatchADirectComputationFromTheLogits(int context, int stride, int batch) throws IOException {
        assumeTrue(forward != null, "shared fixtures not found; skipping");
        assertTrue(ids.length > 40 && ids.length < 200, "a text of a few windows: " + ids.length + " tokens");
        Path file = text("sample.txt", TEXT);
        Path out = tmp.resolve("out");
        Cli r = Cli.run("eval", checkpoint().toString(), "--text", file.toString(), "--context", "" + context,
                "--stride", "" + stride, "--batch", "" + batch, "--precision", "float64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());

        Direct d = direct(ids, context, stride);
        ModelResult row = row(out, "gpt2-m16");
        assertEquals(d.nll() / d.tokens(), row.metric("loss_sample"), 1e-9);
        double errors = row.metric("top1_error_sample") * d.tokens();
        assertEquals(Math.rint(errors), errors, 1e-9, "a whole number of errors");
        assertEquals(d.errors(), Math.round(errors));

        String line = r.out().lines().filter(l -> l.startsWith("gpt2-m16")).findFirst().orElseThrow();
        String[] cells = line.trim().split("\\s+");
        assertEquals(List.of("gpt2-m16", "sample", Long.toString(d.tokens())), List.of(cells[0], cells[1], cells[2]),
                r.out());
        assertEquals(d.nll() / d.tokens(), Double.parseDouble(cells[3]), 1e-6);
        assertEquals(Math.exp(d.nll() / d.tokens()), Double.parseDouble(cells[4]), 1e-3);
    }

    @Test
    void windowsScoreEveryTokenButTheFirstOnce() {
        for (int length : new int[] {2, 3, 17, 100}) {
            for (int context = 1; context <= 20; context++) {
                for (int stride = 1; stride <= context; stride++) {
                    int[] times = new int[length];
                    List<StridedEvaluation.Window> windows = StridedEvaluation.windows(length, context, stride);
                    for (int k = 0; k < windows.size(); k++) {
                        StridedEvaluation.Window w = windows.get(k);
                        assertEquals((long) k * stride, w.begin());
                        assertTrue(w.end() - w.begin() >= 1 && w.end() - w.begin() <= context, w.toString());
                        assertTrue(w.firstTarget() > w.begin(), "context inside the window: " + w);
                        for (int t = w.firstTarget(); t <= w.end(); t++) {
                            times[t]++;
                        }
                    }
                    assertEquals(0, times[0]);
                    for (int t = 1; t < length; t++) {
                        assertEquals(1, times[t], "length " + length + " context " + context + " stride " + stride
                                + " token " + t);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> StridedEvaluation.windows(10, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> StridedEvaluation.windows(1, 4, 2));
    }

    /** Default window: the model's 256 positions; a long text is not truncated by the tokenizer. */
    @Test
    void defaultContextIsTheModelsPositionsAndLongTextsAreScoredWhole() throws IOException {
        assumeTrue(forward != null, "shared fixtures not found; skipping");
        String longText = String.join(" ", java.util.Collections.nCopies(12, TEXT));
        long[] longIds = tokens(longText);
        assertTrue(longIds.length > 600, "longer than a 512-token truncation: " + longIds.length);
        Path out = tmp.resolve("out");
        Cli r = Cli.run("eval", checkpoint().toString(), "--text", text("long.md", longText).toString(),
                "--precision", "float64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Direct d = direct(longIds, 256, 128);
        assertEquals(d.nll() / d.tokens(), row(out, "gpt2-m16").metric("loss_long"), 1e-9);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("gpt2-m16\\s+long\\s+" + d.tokens() + "\\s.*")), r.out());
    }

    @Test
    void lossesJoinTheModelsExistingRowsOrMakeAnUnembeddingRow() throws IOException {
        assumeTrue(forward != null, "shared fixtures not found; skipping");
        Path a = text("alpha.txt", TEXT);
        Path b = text("beta.txt", TEXT.toUpperCase(java.util.Locale.ROOT));
        Path out = tmp.resolve("out");

        Cli fresh = Cli.run("eval", checkpoint().toString(), "--name", "fresh", "--family", "tiny", "--text",
                a.toString(), b.toString(), "--context", "32", "--out", out.toString());
        assertEquals(0, fresh.code(), fresh.err());
        ModelResult made = row(out, "fresh");
        assertEquals("unembedding", made.matrix());
        assertEquals("tiny", made.family());
        assertEquals("gpt2", made.loader());
        assertEquals(50257, made.n());
        assertEquals(16, made.m());
        assertEquals("F32", made.dtype());
        assertEquals(List.of("loss_alpha", "loss_beta", "top1_error_alpha", "top1_error_beta"),
                made.metrics().keySet().stream().filter(made::has).sorted().toList(), "only the loss metrics");

        Cli analyzed = Cli.run("analyze", checkpoint().toString(), "--out", out.toString());
        assertEquals(0, analyzed.code(), analyzed.err());
        double overlap = row(out, "gpt2-m16").metric("msq_overlap");
        assertTrue(overlap > 0, "analyze measured the head");
        Cli r = Cli.run("eval", checkpoint().toString(), "--text", a.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        ModelResult joined = row(out, "gpt2-m16");
        assertEquals(overlap, joined.metric("msq_overlap"), "the audit's metrics are kept");
        assertTrue(joined.has("loss_alpha") && joined.has("top1_error_alpha"), joined.toString());
        assertFalse(joined.has("loss_beta"));
        assertTrue(row(out, "fresh").has("loss_beta"), "other models' rows are kept");

        String header = Files.readAllLines(out.resolve("models.csv")).get(0);
        for (String column : List.of("loss_alpha", "loss_beta", "top1_error_alpha", "top1_error_beta")) {
            assertTrue(Arrays.asList(header.split(",")).contains(column), header);
        }
    }

    /** Every model of a models.yaml; one without a tokenizer fails alone (exit 3), the others are written. */
    @Test
    void everyModelOfAModelsYaml() throws IOException {
        assumeTrue(forward != null, "shared fixtures not found; skipping");
        Path yaml = text("models.yaml", "models:\n"
                + "  - {name: small, family: gpt2, path: " + checkpoint().toAbsolutePath() + "}\n"
                + "  - {name: neox, family: pythia, path: " + Cli.checkpoint("gptneox-tiny").toAbsolutePath() + "}\n"
                + "  - {name: again, family: gpt2, path: " + checkpoint().toAbsolutePath() + "}\n");
        Path file = text("sample.txt", TEXT);
        Path out = tmp.resolve("out");
        Cli r = Cli.run("eval", yaml.toString(), "--text", file.toString(), "--context", "8", "--out", out.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("neox") && r.err().contains("no tokenizer"), r.err());
        assertEquals(row(out, "small").metric("loss_sample"), row(out, "again").metric("loss_sample"));
        assertTrue(ModelsCsv.read(out.resolve("models.csv")).stream().noneMatch(m -> m.model().equals("neox")));
        assertEquals(2, r.out().lines().filter(l -> l.matches("(small|again)\\s+sample\\s+\\d+\\s.*")).count(),
                r.out());
    }

    @Test
    void badInputsAreOneLineErrors() throws IOException {
        assumeTrue(forward != null, "shared fixtures not found; skipping");
        String ckpt = checkpoint().toString();
        Path missing = tmp.resolve("missing.txt");
        assertError(3, "missing.txt", Cli.run("eval", ckpt, "--text", missing.toString()));
        assertError(3, "empty", Cli.run("eval", ckpt, "--text", text("empty.txt", "").toString()));
        assertError(3, "at least 2", Cli.run("eval", ckpt, "--text", text("one.txt", "the").toString()));
        Path good = text("good.txt", TEXT);
        assertError(2, "--stride", Cli.run("eval", ckpt, "--text", good.toString(), "--context", "4", "--stride", "5"));
        assertError(2, "--context", Cli.run("eval", ckpt, "--text", good.toString(), "--context", "0"));
        assertError(2, "--batch", Cli.run("eval", ckpt, "--text", good.toString(), "--batch", "0"));
        assertError(2, "256 positions", Cli.run("eval", ckpt, "--text", good.toString(), "--context", "257"));
        assertError(2, "", Cli.run("eval", ckpt));
        Files.createDirectories(tmp.resolve("b"));
        Path twin = Files.writeString(tmp.resolve("b").resolve("good.md"), TEXT);
        assertError(2, "good", Cli.run("eval", ckpt, "--text", good.toString(), twin.toString()));
    }

    /** An architecture without a forward pass (an audit-only plugin). */
    @Test
    void anArchitectureWithoutAForwardPassIsBadInput() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("falcon-tiny"));
        Files.writeString(dir.resolve("config.json"),
                "{\"model_type\": \"falcon\", \"architectures\": [\"FalconForCausalLM\"], \"hidden_size\": 2}");
        new SafetensorsWriter().floats("transformer.word_embeddings.weight", DType.F32, new long[] {3, 2},
                new float[] {1, 0, 0, 1, 1, 1}).write(dir.resolve("model.safetensors"));
        Path plugins = AuditOnlyArchitecture.pluginDirectory(tmp.resolve("plugins"));
        Cli r = Cli.run("--plugin-path", plugins.toString(), "eval", dir.toString(), "--text",
                text("t.txt", TEXT).toString());
        assertError(3, "no forward pass", r);
        assertTrue(r.err().contains("FalconForCausalLM") && r.err().contains("falcon-audit-only"), r.err());
    }

    private static void assertError(int code, String fragment, Cli r) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        if (code == 3) {
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("superscope:")).count(), r.err());
        }
    }
}
