package dev.superscope.examples.bloom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.plugins.architecture.TokenScores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BloomForward}, run through {@link BloomArchitecture} on tiny BLOOM checkpoints written to disk,
 * against the independent float64 decoder {@link BloomReference}: the float64 logits agree to 1e-12
 * relative to the largest logit, for head counts that are and are not powers of two, both residual
 * rules, tied and untied heads, both tensor-name forms, and the slow_but_exact tensor-parallel sums.
 */
class BloomForwardTest {
    /** float64 against float64: only the order of the sums differs. */
    static final double CLOSE = 1e-12;
    private static final long[] IDS = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};

    @TempDir
    Path tmp;

    /** The checkpoint {@code spec} written to a fresh directory, and its weights. */
    private record Written(Path dir, TinyBloom.Spec spec, TinyBloom.Weights weights) {
        double[][] reference(long[] ids) {
            return BloomReference.logits(spec, weights, ids);
        }
    }

    private Written write(String name, TinyBloom.Spec spec) throws IOException {
        Path dir = tmp.resolve(name);
        return new Written(dir, spec, TinyBloom.write(dir, spec));
    }

    /** The forward pass's logits of {@code ids} in {@code precision}. */
    private static double[][] logits(Path dir, long[] ids, ForwardPrecision precision) {
        try (Checkpoint c = CheckpointOpener.open(dir, dir.getFileName().toString());
             ForwardModel model = new BloomArchitecture().forward(c, ForwardSettings.of(precision))) {
            assertEquals("bloom", model.architecture());
            assertEquals(-1, model.maxPositions(), "ALiBi has no position table");
            return model.logits(ids);
        }
    }

    /** Largest difference relative to the largest reference logit. */
    static double relativeError(double[][] expected, double[][] actual) {
        double scale = Arrays.stream(expected).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElse(0);
        return maxAbsError(expected, actual) / scale;
    }

    /** Largest absolute difference (infinite where a logit is NaN), once the shapes are checked to agree. */
    static double maxAbsError(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, "positions");
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t].length, actual[t].length, "one logit per vocabulary row");
            for (int v = 0; v < expected[t].length; v++) {
                double d = Math.abs(expected[t][v] - actual[t][v]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
        }
        return worst;
    }

    private static double assertMatches(Written w, String what) {
        double err = relativeError(w.reference(IDS), logits(w.dir(), IDS, ForwardPrecision.FLOAT64));
        System.out.printf("bloom %s: max relative error %.3g%n", what, err);
        assertTrue(err < CLOSE, what + ": relative error " + err);
        return err;
    }

    @Test
    void threeHeadsTakeTheirThirdSlopeFromTheEightHeadTable() throws IOException {
        assertMatches(write("h3", TinyBloom.Spec.of(3, 4)), "3 heads, tied, transformer. names");
    }

    @Test
    void sixHeadsUntiedBareNamesLegacyKeysAndTheResidualAfterTheNorm() throws IOException {
        assertMatches(write("h6", TinyBloom.Spec.of(6, 2).residualAfterNorm(true).head(false, true).prefixed(false)
                .legacyKeys(true)), "6 heads, untied, bare names, n_embed, residual after norm");
    }

    @Test
    void twelveHeadsHaveSlopesThatFloat32Rounds() throws IOException {
        assertMatches(write("h12", TinyBloom.Spec.of(12, 2).layers(3).eps(null)), "12 heads, 3 layers, default eps");
    }

    @Test
    void aTiedModelIgnoresAStoredHead() throws IOException {
        // transformers ties lm_head to word_embeddings, whatever lm_head.weight holds.
        Written w = write("h4", TinyBloom.Spec.of(4, 3).head(true, true).eps(1e-3));
        assertTrue(w.weights().storedHead() != null);
        assertMatches(w, "4 heads, tied with a stored head, eps 1e-3");
    }

    @Test
    void slowButExactDropsTheOutputBiasesAndSumsTheSlices() throws IOException {
        assertMatches(write("tp3", TinyBloom.Spec.of(3, 4).tensorParallel(3, true)), "pretraining_tp 3, slow_but_exact");
        // 12 / 5 slices: uneven boundaries int(i * 2.4).
        assertMatches(write("tp5", TinyBloom.Spec.of(3, 4).tensorParallel(5, true)), "pretraining_tp 5, slow_but_exact");
        Written fast = write("tp4", TinyBloom.Spec.of(3, 4).tensorParallel(4, false));
        assertMatches(fast, "pretraining_tp 4 without slow_but_exact");
        double[][] plain = BloomReference.logits(TinyBloom.Spec.of(3, 4), fast.weights(), IDS);
        assertEquals(0, relativeError(plain, fast.reference(IDS)), "without slow_but_exact the flag changes nothing");
    }

    /** The tests above would pass with ALiBi or the residual rule ignored if these made no difference. */
    @Test
    void alibiAndTheResidualRuleChangeTheLogits() throws IOException {
        Written w = write("h3", TinyBloom.Spec.of(3, 4));
        double[][] withAlibi = w.reference(IDS);
        assertTrue(relativeError(withAlibi, BloomReference.logitsWithoutAlibi(w.spec(), w.weights(), IDS)) > 1e-3);
        TinyBloom.Spec after = w.spec().residualAfterNorm(true);
        assertTrue(relativeError(withAlibi, BloomReference.logits(after, w.weights(), IDS)) > 1e-3);
        TinyBloom.Spec slow = w.spec().tensorParallel(2, true);
        assertTrue(relativeError(withAlibi, BloomReference.logits(slow, w.weights(), IDS)) > 1e-3);
    }

    /**
     * What keeping the softmax in float64 costs against transformers, which rounds the probabilities to
     * float32 even in a float64 model: far below the 1e-4 of the transformers comparisons.
     */
    @Test
    void transformersFloat32SoftmaxIsARoundingAway() throws IOException {
        Written w = write("h6", TinyBloom.Spec.of(6, 2).layers(3));
        double err = relativeError(w.reference(IDS), BloomReference.logitsWithFloat32Softmax(w.spec(), w.weights(), IDS));
        System.out.printf("bloom float32 softmax vs float64: max relative difference %.3g%n", err);
        assertTrue(err > 0 && err < 1e-5, "float32 probabilities move the logits by " + err);
    }

    @Test
    void float32StaysClose() throws IOException {
        Written w = write("h3", TinyBloom.Spec.of(3, 4));
        double err = relativeError(w.reference(IDS), logits(w.dir(), IDS, ForwardPrecision.FLOAT32));
        assertTrue(err < 1e-5, "float32 relative error " + err);
    }

    /** Windows of several lengths in one batch: each gets its own bias and mask; scores match the logits. */
    @Test
    void scoresOfABatchMatchTheReferenceLogSoftmax() throws IOException {
        Written w = write("h6", TinyBloom.Spec.of(6, 2));
        long[] longer = new long[40];
        for (int i = 0; i < longer.length; i++) {
            longer[i] = (7L * i + 2) % w.spec().vocab();
        }
        List<long[]> windows = List.of(IDS, new long[] {4, 4}, longer, IDS);
        try (Checkpoint c = CheckpointOpener.open(w.dir(), "h6");
             ForwardModel model = new BloomArchitecture().forward(c, ForwardSettings.of(ForwardPrecision.FLOAT64))) {
            List<TokenScores> scores = model.score(windows);
            for (int s = 0; s < windows.size(); s++) {
                long[] window = windows.get(s);
                double[][] ref = w.reference(java.util.Arrays.copyOf(window, window.length - 1));
                for (int p = 0; p < ref.length; p++) {
                    double max = java.util.Arrays.stream(ref[p]).max().orElseThrow();
                    double logZ = max + Math.log(java.util.Arrays.stream(ref[p]).map(v -> Math.exp(v - max)).sum());
                    assertEquals(ref[p][(int) window[p + 1]] - logZ, scores.get(s).logProb()[p], 1e-11,
                            "window " + s + " position " + p);
                    int best = 0;
                    for (int v = 1; v < ref[p].length; v++) {
                        best = ref[p][v] > ref[p][best] ? v : best;
                    }
                    assertEquals(best, scores.get(s).argmax()[p], "window " + s + " position " + p);
                }
            }
        }
    }

    @Test
    void slopesFollowTheirClosedForms() {
        assertArrayEquals(new float[] {0x1p-1f, 0x1p-2f, 0x1p-3f, 0x1p-4f, 0x1p-5f, 0x1p-6f, 0x1p-7f, 0x1p-8f},
                Alibi.slopes(8));
        // 3 heads: the 2-head table (2^-4, 2^-8), then the first odd power of the 4-head base 2^-2.
        assertArrayEquals(new float[] {0x1p-4f, 0x1p-8f, 0x1p-2f}, Alibi.slopes(3));
        assertArrayEquals(new float[] {0x1p-2f, 0x1p-4f, 0x1p-6f, 0x1p-8f, 0x1p-1f, 0x1p-3f}, Alibi.slopes(6));
        assertArrayEquals(new float[] {0x1p-8f}, Alibi.slopes(1));
        float[] twelve = Alibi.slopes(12);
        for (int i = 0; i < 4; i++) {
            // The 16-head base 2^-0.5 at powers p = 1, 3, 5, 7: the base is rounded to float32 (relative
            // error up to 2^-24) and then raised to p and rounded again, so p + 1 roundings at most.
            int p = 2 * i + 1;
            assertEquals(Math.pow(2, -0.5 * p), twelve[8 + i], (p + 1) * 0x1p-24 * twelve[8 + i]);
        }
        for (int heads = 1; heads <= 130; heads++) {
            assertArrayEquals(BloomReference.slopes(heads), Alibi.slopes(heads), "heads " + heads);
        }
    }

    @Test
    void anUntiedConfigWithoutAStoredHeadIsABadInput() throws IOException {
        Written w = write("untied", TinyBloom.Spec.of(3, 4).head(false, false));
        BadInputException e = assertThrows(BadInputException.class, () -> logits(w.dir(), IDS, ForwardPrecision.FLOAT64));
        assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
    }

    @Test
    void configsItCannotHonourAreOneLineBadInputsNamingTheFile() throws IOException {
        Written w = write("cfg", TinyBloom.Spec.of(3, 4));
        assertBadConfig(w.dir(), c -> with(c, "num_attention_heads", 4), "\"n_head\" 3 and \"num_attention_heads\" 4");
        assertBadConfig(w.dir(), c -> with(c, "n_head", 5), "hidden_size over n_head");
        assertBadConfig(w.dir(), c -> without(c, "n_layer"), "neither \"n_layer\" nor \"num_hidden_layers\"");
        assertBadConfig(w.dir(), c -> with(c, "pretraining_tp", 0), "pretraining_tp");
        assertBadConfig(w.dir(), c -> with(c, "n_layer", 3), "h.2.input_layernorm.weight");
    }

    private static void assertBadConfig(Path dir, UnaryOperator<Map<String, Object>> edit, String fragment)
            throws IOException {
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> values = new com.fasterxml.jackson.databind.ObjectMapper().readValue(original, Map.class);
            new com.fasterxml.jackson.databind.ObjectMapper().writeValue(config.toFile(), edit.apply(values));
            BadInputException e = assertThrows(BadInputException.class, () -> logits(dir, IDS, ForwardPrecision.FLOAT64));
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
            assertTrue(e.getMessage().contains(dir.getFileName().toString()), "names the checkpoint: " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        } finally {
            Files.writeString(config, original);
        }
    }

    private static Map<String, Object> with(Map<String, Object> c, String key, Object value) {
        c.put(key, value);
        return c;
    }

    private static Map<String, Object> without(Map<String, Object> c, String key) {
        c.remove(key);
        return c;
    }
}
