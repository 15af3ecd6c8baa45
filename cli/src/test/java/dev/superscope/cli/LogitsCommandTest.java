package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code superscope logits} end to end on the shared fixtures with transformers' reference logits. */
class LogitsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLogitsMatchTransformersForQwen2() throws Exception {
        Path dir = Cli.checkpoint("qwen2-tiny");
        JsonNode ref = JSON.readTree(dir.resolve("reference_logits.json").toFile());
        long[] ids = JSON.convertValue(ref.get("sequences").get(0), long[].class);
        double[][] expected = JSON.convertValue(ref.get("logits").get(0), double[][].class);
        String idList = Arrays.stream(ids).mapToObj(Long::toString).collect(Collectors.joining(","));

        Cli r = Cli.run("logits", dir.toString(), "--ids", idList, "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertEquals(2, out.size(), "exactly ids and logits: " + r.out());
        assertTrue(Arrays.equals(ids, JSON.convertValue(out.get("ids"), long[].class)), r.out());
        double[][] logits = JSON.convertValue(out.get("logits"), double[][].class);
        assertEquals(expected.length, logits.length);
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t].length, logits[t].length, "one logit per vocabulary row");
            for (int v = 0; v < expected[t].length; v++) {
                assertEquals(expected[t][v], logits[t][v], 1e-4, "position " + t + " token " + v);
            }
        }
    }

    @Test
    void tableShowsTheTopTokensPerPosition() {
        Cli r = Cli.run("logits", Cli.checkpoint("cerebras-gpt2-tiny").toString(), "--ids", "0,7,2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("top 5"), r.out());
        assertEquals(3, r.out().lines().filter(l -> l.matches("^[0-2]\\s+\\d+\\s+.*")).count(), r.out());
    }

    @Test
    void anIdOutsideTheVocabularyIsAUsageError() {
        Cli r = Cli.run("logits", Cli.checkpoint("opt-tiny").toString(), "--ids", "1,11");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("token id 11") && r.err().contains("vocabulary of 11"), r.err());
        Cli bad = Cli.run("logits", Cli.checkpoint("opt-tiny").toString(), "--ids", "1,x");
        assertEquals(2, bad.code(), bad.err());
    }
}
