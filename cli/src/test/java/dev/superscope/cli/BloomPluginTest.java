package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.examples.bloom.BloomReference;
import dev.superscope.examples.bloom.TinyBloom;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example BLOOM plugin end to end, as a user runs it: its jar in a {@code --plugin-path} directory,
 * a tiny BLOOM checkpoint on disk, and {@code logits} and {@code eval} checked against the independent
 * float64 decoder of the plugin's tests ({@link BloomReference}).
 */
class BloomPluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sixteen words, one token each: token i is WORDS.get(i). */
    private static final List<String> WORDS = List.of("the", "model", "stores", "more", "features", "than", "it",
            "has", "dimensions", "at", "a", "price", "of", "interference", "between", "them");

    @TempDir
    Path tmp;

    @Test
    void logitsJsonMatchTheIndependentDecoder() throws IOException {
        Path plugins = ExamplePlugin.directory(tmp.resolve("plugins"));
        // Six heads (not a power of two), untied, residual after the norm: the less common paths.
        TinyBloom.Spec spec = TinyBloom.Spec.of(6, 2).residualAfterNorm(true).head(false, true);
        Path dir = tmp.resolve("bloom-tiny");
        TinyBloom.Weights weights = TinyBloom.write(dir, spec);
        long[] ids = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};

        Cli r = Cli.run("--plugin-path", plugins.toString(), "logits", dir.toString(), "--ids",
                Arrays.stream(ids).mapToObj(Long::toString).collect(Collectors.joining(",")), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertTrue(Arrays.equals(ids, JSON.convertValue(out.get("ids"), long[].class)), r.out());
        double[][] logits = JSON.convertValue(out.get("logits"), double[][].class);
        double[][] expected = BloomReference.logits(spec, weights, ids);
        assertEquals(expected.length, logits.length);
        double scale = Arrays.stream(expected).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElseThrow();
        for (int t = 0; t < expected.length; t++) {
            assertEquals(spec.vocab(), logits[t].length, "one logit per vocabulary row");
            for (int v = 0; v < expected[t].length; v++) {
                assertEquals(expected[t][v], logits[t][v], 1e-12 * scale, "position " + t + " token " + v);
            }
        }
    }

    @ParameterizedTest(name = "context {0}, stride {1}, batch {2}")
    @CsvSource({"64, 64, 8", "6, 3, 2", "5, 5, 1"})
    void evalScoresTheTextAsTheIndependentDecoderDoes(int context, int stride, int batch) throws IOException {
        Path plugins = ExamplePlugin.directory(tmp.resolve("plugins"));
        TinyBloom.Spec spec = TinyBloom.Spec.of(3, 4).vocab(WORDS.size());
        Path dir = tmp.resolve("bloom-tiny");
        TinyBloom.Weights weights = TinyBloom.write(dir, spec);
        TinyBloom.writeWordTokenizer(dir, WORDS);
        long[] ids = new long[29];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (5L * i + i / 4) % WORDS.size();
        }
        Path text = Files.writeString(tmp.resolve("sample.txt"),
                Arrays.stream(ids).mapToObj(id -> WORDS.get((int) id)).collect(Collectors.joining(" ")));
        Path out = tmp.resolve("out");

        Cli r = Cli.run("--plugin-path", plugins.toString(), "eval", dir.toString(), "--text", text.toString(),
                "--context", "" + context, "--stride", "" + stride, "--batch", "" + batch, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        ModelResult row = ModelsCsv.read(out.resolve("models.csv")).stream()
                .filter(m -> m.model().equals("bloom-tiny")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertEquals("bloom", row.loader());
        Scores expected = strided(spec, weights, ids, context, stride);
        assertEquals(expected.nll() / (ids.length - 1), row.metric("loss_sample"), 1e-12);
        assertEquals((double) expected.errors() / (ids.length - 1), row.metric("top1_error_sample"), 1e-12);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("bloom-tiny\\s+sample\\s+" + (ids.length - 1) + "\\s.*")),
                r.out());
    }

    /** Negative log-likelihood sum and arg-max misses over every token but the first. */
    private record Scores(double nll, long errors) {
    }

    /**
     * What eval's windows score, from the reference's logits: windows start every {@code stride} tokens,
     * hold at most {@code context} inputs, and score the targets after the previous window's last one up
     * to the token just past their own end.
     */
    private static Scores strided(TinyBloom.Spec spec, TinyBloom.Weights weights, long[] ids, int context, int stride) {
        double nll = 0;
        long errors = 0;
        int last = 0;
        for (int begin = 0; last < ids.length - 1; begin += stride) {
            int end = Math.min(begin + context, ids.length - 1);
            double[][] logits = BloomReference.logits(spec, weights, Arrays.copyOfRange(ids, begin, end));
            for (int t = last + 1; t <= end; t++) {
                double[] row = logits[t - 1 - begin];
                nll += NextToken.loss(row, ids[t]);
                errors += NextToken.top1(row) == ids[t] ? 0 : 1;
            }
            last = end;
        }
        return new Scores(nll, errors);
    }
}
