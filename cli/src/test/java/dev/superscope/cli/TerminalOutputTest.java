package dev.superscope.cli;

import static dev.superscope.cli.HostileFiles.WTE;
import static dev.superscope.cli.HostileFiles.entry;
import static dev.superscope.cli.HostileFiles.gpt2;
import static dev.superscope.cli.HostileFiles.gpt2Config;
import static dev.superscope.cli.HostileFiles.gpt2Safetensors;
import static dev.superscope.cli.HostileFiles.mkdirs;
import static dev.superscope.cli.HostileFiles.safetensors;
import static dev.superscope.cli.HostileFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings from files (tensor names, config.json's architectures and model_type, shard-index names,
 * models.yaml names) reach the terminal only escaped: no ESC sequence that sets the title or clears the
 * screen, no line break that forges a line of output, no bidirectional override, on stdout and stderr,
 * in reports, error lines and --debug traces alike; and output stays proportional to input.
 */
class TerminalOutputTest {
    /** Sets the window title, clears the screen, forges a line, reverses text, and two lone controls. */
    private static final List<String> HOSTILE = List.of("\u001b]0;pwned\u0007", "\u001b[2J", "\nloader        evil",
            "\u202etxt.exe", "\u007f", "\u009b31m");
    private static final String HOSTILE_NAME = String.join("", HOSTILE);

    @TempDir
    Path tmp;
    private final List<Cli> runs = new ArrayList<>();

    private Cli run(String... args) {
        Cli r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run(args));
        runs.add(r);
        return r;
    }

    /** Nothing any run printed holds a character a terminal acts on (line feeds between lines aside). */
    @AfterEach
    void everythingPrintedIsSafe() {
        for (Cli r : runs) {
            assertTerminalSafe(r.out());
            assertTerminalSafe(r.err());
        }
    }

    static void assertTerminalSafe(String printed) {
        for (int i = 0; i < printed.length(); i++) {
            char c = printed.charAt(i);
            // Line feeds end lines and tabs indent --debug traces; every other control is a command.
            boolean unsafe = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
                    || c == '\u200f' || c == '\u061c';
            assertFalse(unsafe, "raw U+" + Integer.toHexString(c) + " at " + i + " in: "
                    + printed.substring(Math.max(0, i - 40), Math.min(printed.length(), i + 40)));
        }
    }

    private static long linesStartingWith(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).count();
    }

    /** A GPT-2 checkpoint with hostile tensor names beside wte and hostile architectures in config.json. */
    private Path hostileCheckpoint() {
        Path dir = mkdirs(tmp.resolve("hostile"));
        StringBuilder header = new StringBuilder("{" + entry(WTE, "F32", "[4,2]", 0, 32));
        int at = 32;
        for (String h : HOSTILE) {
            header.append(",").append(entry(json("t" + h), "F32", "[1]", at, at + 4));
            at += 4;
        }
        gpt2Safetensors(dir, safetensors(header.append("}").toString(), at));
        write(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"architectures\": [\"" + json(HOSTILE_NAME)
                + "\"], \"n_embd\": 2, \"vocab_size\": 4}");
        return dir;
    }

    /** {@code s} as the inside of a JSON string. */
    private static String json(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    @Test
    void collisionsShowHostileTokensAndTensorNamesEscaped() throws IOException {
        // Six rows in three pairs of near copies, a vocab.txt whose entries are the hostile strings (a
        // line feed would end an entry: CR stands in for it), and a hostile tensor name found by --tensor.
        Path dir = mkdirs(tmp.resolve("collide"));
        float[] w = new float[6 * 4];
        for (int i = 0; i < 6; i++) {
            w[i * 4 + i / 2] = 1f;
            w[i * 4 + 3] = 0.001f * i;
        }
        String tensor = "emb" + HOSTILE_NAME.replace('\n', ' ');
        new dev.superscope.checkpoints.safetensors.SafetensorsWriter()
                .floats(tensor, dev.superscope.plugins.DType.F32, new long[] {6, 4}, w).write(dir.resolve("w.safetensors"));
        write(dir.resolve("vocab.txt"), String.join("\n", HOSTILE.stream().map(h -> h.replace('\n', '\r')).toList()) + "\n");
        Cli r = run("collisions", dir.toString(), "--tensor", tensor, "--top", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"\\x1b]0;pwned\\x07\""), "the first token, escaped: " + r.out());
        assertTrue(r.out().contains("emb\\x1b]0;pwned"), "the tensor name, escaped: " + r.out());
    }

    @Test
    void inspectShowsHostileTensorNamesAndArchitecturesEscaped() throws IOException {
        Path dir = hostileCheckpoint();
        Cli r = run("inspect", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, linesStartingWith(r.out(), "loader"), "no forged line: " + r.out());
        String shown = "\\x1b]0;pwned\\x07\\x1b[2J\\nloader        evil\\u202etxt.exe\\x7f\\x9b31m";
        assertTrue(r.out().contains("loader        gpt2 (" + shown + ")"), r.out());
        for (String escaped : List.of("t\\x1b]0;pwned\\x07 ", "t\\x1b[2J ", "t\\nloader        evil ",
                "t\\u202etxt.exe ", "t\\x7f ", "t\\x9b31m ")) {
            assertTrue(r.out().contains("  " + escaped), escaped + " in: " + r.out());
        }
        // --json keeps every name whole; parsed back it is exactly what the file holds.
        Cli j = run("inspect", dir.toString(), "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode report = new ObjectMapper().readTree(j.out());
        assertEquals(HOSTILE_NAME, report.get("architecture").asText());
        List<String> names = new ArrayList<>();
        report.get("tensors").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.contains("t\u001b[2J") && names.contains("t\u202etxt.exe"), names.toString());
    }

    /** models.yaml names reach progress lines, the summary table and failure lines. */
    @Test
    void modelNamesFromModelsYamlAreEscapedEverywhere() {
        gpt2(tmp.resolve("m"), 4, 2, new float[] {1, 0, 0, 1, 1, 1, 2, 0});
        Path yaml = write(tmp.resolve("models.yaml"), "models:\n"
                + "  - {name: \"ok\\e]0;pwned\\a\\e[2J\\nloader evil\\u202e\", family: \"f\\e[31m\", path: m}\n"
                + "  - {name: \"broken\\e[2J\\r\", family: f, id: \"org/none\"}\n");
        Cli r = run("run", yaml.toString(), "--out", tmp.resolve("out").toString(), "--analyzers", "norms",
                "--offline");
        assertEquals(4, r.code(), "the hub model fails offline, the local one is measured: " + r.err());
        assertTrue(r.out().contains("ok\\x1b]0;pwned\\x07"), r.out());
        assertEquals(0, linesStartingWith(r.out(), "loader") + linesStartingWith(r.err(), "loader"));
        assertTrue(r.err().contains("broken\\x1b[2J"), r.err());
    }

    /** Error lines quote config.json values and shard-index names: escaped, with and without --debug. */
    @Test
    void errorLinesAndDebugTracesAreEscaped() {
        Path config = mkdirs(tmp.resolve("config"));
        gpt2(config, 4, 2, new float[8]);
        write(config.resolve("config.json"), "{\"model_type\": \"" + json(HOSTILE_NAME) + "\", \"architectures\": [\""
                + json(HOSTILE_NAME) + "\"]}");
        Path index = mkdirs(tmp.resolve("index"));
        gpt2Config(index, 4, 2);
        write(index.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"" + json(WTE) + "\": \""
                + json("shard" + HOSTILE_NAME + ".safetensors") + "\"}}");
        for (Path dir : List.of(config, index)) {
            for (boolean debug : new boolean[] {false, true}) {
                Cli r = debug ? run("analyze", dir.toString(), "--debug", "--out", tmp.resolve("o").toString())
                        : run("analyze", dir.toString(), "--out", tmp.resolve("o").toString());
                assertEquals(3, r.code(), r.err());
                assertTrue(r.err().contains("\\x1b[2J"), r.err());
                if (!debug) {
                    assertEquals(1, r.err().strip().lines().count(), r.err());
                }
            }
        }
    }

    /**
     * A header of 10^4 tensors, one with a 50,000-character name: inspect once printed every line padded
     * to the longest name (a 783 kB header gave 490 MB). Now the table cuts names, and --json has them whole.
     */
    @Test
    void inspectOutputStaysProportionalToTheHeader() throws IOException {
        String longName = "x".repeat(50_000);
        StringBuilder header = new StringBuilder("{" + entry(WTE, "F32", "[4,2]", 0, 32));
        long at = 32;
        for (int i = 0; i < 10_000; i++) {
            header.append(",").append(entry(i == 5_000 ? longName : String.format("model.layers.%05d.weight", i),
                    "F32", "[1]", at, at + 4));
            at += 4;
        }
        byte[] headerBytes = header.append("}").toString().getBytes(StandardCharsets.UTF_8);
        Path dir = gpt2Safetensors(tmp.resolve("many"), safetensors(headerBytes, headerBytes.length, (int) at));
        Cli r = run("inspect", dir.toString());
        assertEquals(0, r.code(), r.err());
        // Each line is a name cut to 80 characters and its dtype and shape: at most twice the header.
        assertTrue(r.out().length() < 2 * headerBytes.length, r.out().length() + " chars printed for a "
                + headerBytes.length + "-byte header");
        assertTrue(r.out().lines().allMatch(l -> l.length() <= 200), "no line padded to the long name");
        Cli j = run("inspect", dir.toString(), "--json");
        JsonNode report = new ObjectMapper().readTree(j.out());
        List<String> names = new ArrayList<>();
        report.get("tensors").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.contains(longName), "--json has the whole name");
        assertEquals(10_001, names.size());
    }

    /** A 200,000-element value in a shard index once became a 1.5 MB error line. */
    @Test
    void anErrorLineQuotingAHugeValueStaysShort() {
        Path dir = mkdirs(tmp.resolve("huge"));
        gpt2Config(dir, 4, 2);
        StringBuilder list = new StringBuilder("[0");
        for (int i = 1; i < 200_000; i++) {
            list.append(",").append(i);
        }
        write(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"" + WTE + "\": " + list + "]}}");
        Cli r = run("analyze", dir.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(3, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count());
        assertTrue(r.err().length() <= Main.MAX_LINE_CHARS + 20, r.err().length() + " chars");
        assertTrue(r.err().contains("model.safetensors.index.json") && r.err().contains("a list of 200000"), r.err());
    }
}
