package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} and {@code analyze} of a hub id against a Hugging Face-shaped server on 127.0.0.1
 * serving the gpt2-m16 fixture. The settings reach the in-process CLI through {@code superscope.env.*}
 * system properties, which stand in for environment variables.
 *
 * <p>Every run here has a recognisable access token set, and everything any run prints (stdout and
 * stderr, with and without {@code --debug}) is checked not to contain it.
 */
class HubCommandTest {
    private static final String COMMIT = "5f1c2c4b7e0d3a9e8f6b1c2d3e4f5a6b7c8d9e0f";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static final List<String> KEYS = List.of("HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "SUPERSCOPE_CACHE",
            "HF_HUB_OFFLINE", "HF_TOKEN", "SUPERSCOPE_HUB_TIMEOUT", "SUPERSCOPE_HUB_RETRY_DELAY");
    /** The access token of every run: sent to the hub, never printed. */
    private static final String TOKEN = "hf_CanaryTokenThatMustNeverBePrinted42";

    @TempDir
    Path tmp;
    private HttpServer server;
    private Path model;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final AtomicLong weightBytes = new AtomicLong();
    private final List<Cli> runs = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        model = Cli.checkpoint("gpt2-m16");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        System.setProperty("superscope.env.HF_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort());
        System.setProperty("superscope.env.HF_HOME", tmp.resolve("hf").toString());
        System.setProperty("superscope.env.HF_HUB_CACHE", tmp.resolve("hf/hub").toString());
        System.setProperty("superscope.env.SUPERSCOPE_CACHE", tmp.resolve("ss").toString());
        System.setProperty("superscope.env.HF_HUB_OFFLINE", "0");
        System.setProperty("superscope.env.HF_TOKEN", TOKEN);
        System.setProperty("superscope.env.SUPERSCOPE_HUB_TIMEOUT", "5");
        System.setProperty("superscope.env.SUPERSCOPE_HUB_RETRY_DELAY", "0.01");
    }

    @AfterEach
    void stop() {
        // No server when the fixtures are absent: the test was skipped before it started.
        if (server != null) {
            server.stop(0);
        }
        KEYS.forEach(k -> System.clearProperty("superscope.env." + k));
        for (Cli r : runs) {
            for (String printed : List.of(r.out(), r.err())) {
                assertFalse(printed.contains(TOKEN) || printed.contains("CanaryToken"),
                        "the access token was printed: " + printed);
            }
        }
    }

    /** Runs the CLI and keeps what it printed for the check that the token never appears. */
    private Cli run(String... args) {
        Cli r = Cli.run(args);
        runs.add(r);
        return r;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        paths.add(path);
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        if (path.startsWith("/api/models/org/gated/")) {
            reply(ex, 401, "{\"error\": \"Access to model org/gated is restricted\"}");
            return;
        }
        if (path.equals("/api/models/org/gpt2-m16/revision/main")) {
            StringBuilder json = new StringBuilder("{\"sha\":\"" + COMMIT + "\",\"siblings\":[");
            try (Stream<Path> files = Files.list(model)) {
                json.append(String.join(",", files.map(p -> "{\"rfilename\":\"" + p.getFileName() + "\"}").toList()));
            }
            reply(ex, 200, json.append("]}").toString());
            return;
        }
        String prefix = "/org/gpt2-m16/resolve/" + COMMIT + "/";
        Path file = path.startsWith(prefix) ? model.resolve(path.substring(prefix.length())) : null;
        if (file == null || !Files.isRegularFile(file)) {
            reply(ex, 404, "not found");
            return;
        }
        long size = Files.size(file);
        long from = 0;
        long to = size - 1;
        String range = ex.getRequestHeaders().getFirst("Range");
        int status = 200;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            assertTrue(m.matches(), range);
            from = Long.parseLong(m.group(1));
            to = Math.min(size - 1, Long.parseLong(m.group(2)));
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        ex.getResponseHeaders().add("ETag", "\"" + Long.toHexString(size) + "abc\"");
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        ex.sendResponseHeaders(status, to - from + 1);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r"); OutputStream out = ex.getResponseBody()) {
            byte[] bytes = new byte[(int) (to - from + 1)];
            in.seek(from);
            in.readFully(bytes);
            out.write(bytes);
        }
        if (file.getFileName().toString().endsWith(".safetensors")) {
            weightBytes.addAndGet(to - from + 1);
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void inspectAHubIdFetchesHeadersOnly() throws IOException {
        Cli r = run("inspect", "org/gpt2-m16", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("gpt2", j.get("loader").asText());
        assertEquals(50257, j.get("unembedding").get("n").asInt());
        assertEquals(50257, j.get("tokenizer_vocab").asInt(), "tokenizer files reached the snapshot");
        assertTrue(weightBytes.get() < 10_000, "only the safetensors header: " + weightBytes.get() + " bytes");
        assertTrue(Files.isRegularFile(tmp.resolve("hf/hub/models--org--gpt2-m16/refs/main")));
    }

    @Test
    void analyzeAHubIdThenRunOfflineFromTheCaches() throws IOException {
        Path out = tmp.resolve("out");
        Cli r = run("analyze", "org/gpt2-m16", "--analyzers", "norms", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out.resolve("models.csv")).contains("org/gpt2-m16"));
        long wte = 50257L * 16 * 4;
        assertTrue(weightBytes.get() >= wte && weightBytes.get() < wte + 10_000, weightBytes.get() + " bytes");

        server.stop(0); // from here on, nothing may be fetched
        Path yaml = tmp.resolve("models.yaml");
        Files.writeString(yaml, "models:\n  - {name: m16, family: gpt2, id: org/gpt2-m16}\n");
        Cli offline = run("run", yaml.toString(), "--offline", "--analyzers", "norms", "--out",
                tmp.resolve("out2").toString());
        assertEquals(0, offline.code(), offline.err());
        assertTrue(Files.readString(tmp.resolve("out2/models.csv")).contains("m16"));
    }

    /** --tensor on a hub id fetches that tensor alone; a typo names the similar tensors from the header. */
    @Test
    void aTensorOfAHubIdByName() throws IOException {
        Path out = tmp.resolve("out");
        Cli r = run("analyze", "org/gpt2-m16", "--tensor", "transformer.wte.weight", "--analyzers", "norms",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String csv = Files.readString(out.resolve("models.csv"));
        assertTrue(csv.contains(",tensor,unembedding,") && csv.contains("transformer.wte.weight"), csv);
        long wte = 50257L * 16 * 4;
        assertTrue(weightBytes.get() >= wte && weightBytes.get() < wte + 10_000, weightBytes.get() + " bytes");
        Cli typo = run("inspect", "org/gpt2-m16", "--tensor", "transformer.wpe.weigth");
        assertEquals(3, typo.code(), typo.err());
        assertTrue(typo.err().contains("similar: \"transformer.wpe.weight\""), typo.err());
    }

    /** A forward pass over the hub reads every weight, 1-D ones included, and gives the local logits. */
    @Test
    void logitsOfAHubIdMatchTheLocalCheckpoint() throws IOException {
        Cli local = run("logits", model.toString(), "--ids", "3,1,4,1,5", "--json");
        assertEquals(0, local.code(), local.err());
        Cli remote = run("logits", "org/gpt2-m16", "--ids", "3,1,4,1,5", "--json");
        assertEquals(0, remote.code(), remote.err());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(local.out()), json.readTree(remote.out()));
        assertTrue(paths.stream().anyMatch(p -> p.endsWith("/model.safetensors")), "the weights came from the hub");
    }

    @Test
    void offlineMissIsOneLineNamingWhatIsMissing() {
        System.setProperty("superscope.env.HF_HUB_OFFLINE", "1");
        Cli r = run("inspect", "org/gpt2-m16");
        assertEquals(4, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("org/gpt2-m16") && r.err().contains("looked for"), r.err());
        assertTrue(paths.isEmpty(), "offline sent requests: " + paths);
    }

    /** --offline is global: inspect and analyze honour it as run does, and send nothing. */
    @Test
    void offlineFlagStopsEveryCommandFromFetching() {
        for (String[] args : new String[][] {{"inspect", "org/gpt2-m16", "--offline"},
            {"--offline", "analyze", "org/gpt2-m16", "--out", tmp.resolve("o").toString()}}) {
            Cli r = run(args);
            assertEquals(4, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("looked for"), r.err());
        }
        assertTrue(paths.isEmpty(), "offline sent requests: " + paths);
    }

    /** The token went to the hub with every request of an ordinary run (so the scan below means something). */
    @Test
    void theTokenIsSentToTheHub() {
        Cli r = run("inspect", "org/gpt2-m16", "--debug");
        assertEquals(0, r.code(), r.err());
        assertFalse(authorizations.isEmpty(), "requests reached the hub");
        assertTrue(authorizations.stream().allMatch(("Bearer " + TOKEN)::equals), authorizations.toString());
    }

    /** Refusals, misses and network failures, each with --debug (stack traces): none prints the token. */
    @Test
    void noMessageNorStackTracePrintsTheToken() {
        assertEquals(3, run("inspect", "org/gated", "--debug").code());
        assertEquals(3, run("analyze", "org/nothing@v1", "--debug", "--out", tmp.resolve("o1").toString()).code());
        System.setProperty("superscope.env.HF_HUB_OFFLINE", "1");
        assertEquals(4, run("inspect", "org/other", "--debug").code());
        System.setProperty("superscope.env.HF_HUB_OFFLINE", "0");
        server.stop(0);
        Cli down = run("inspect", "org/gpt2-m16", "--debug");
        assertEquals(4, down.code(), down.err());
        assertTrue(down.err().contains("superscope: "), down.err());
    }

    /**
     * A token with a line break or DEL in it (a copy-paste accident), from either source, is refused
     * before any request: exit 3, one line naming where it came from, never its value.
     */
    @Test
    void aTokenWithALineBreakOrDelIsRefusedWithoutPrintingIt() throws IOException {
        for (String bad : List.of(TOKEN.substring(0, 12) + "\r\n" + TOKEN.substring(12),
                TOKEN.substring(0, 12) + "\u007f" + TOKEN.substring(12))) {
            System.setProperty("superscope.env.HF_TOKEN", bad);
            for (boolean debug : new boolean[] {false, true}) {
                Cli r = debug ? run("inspect", "org/gpt2-m16", "--debug") : run("inspect", "org/gpt2-m16");
                assertEquals(3, r.code(), r.err());
                assertTrue(r.err().contains("HF_TOKEN") && r.err().contains("set it again"), r.err());
                if (!debug) {
                    assertEquals(1, r.err().strip().lines().count(), r.err());
                }
            }
            System.setProperty("superscope.env.HF_TOKEN", "");
            Path file = Files.createDirectories(tmp.resolve("hf")).resolve("token");
            Files.writeString(file, bad + "\n");
            Cli r = run("analyze", "org/gpt2-m16", "--out", tmp.resolve("o").toString());
            assertEquals(3, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("token file " + file), r.err());
            Files.delete(file);
        }
        assertTrue(paths.isEmpty(), "nothing was sent with a refused token: " + paths);
        for (Cli r : runs) {
            assertFalse(r.err().contains("CanaryT") || r.err().contains("internal error"), r.err());
        }
    }

    @Test
    void unknownRevisionIsOneLineWithExitThree() {
        Cli r = run("inspect", "org/gpt2-m16@v2");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("org/gpt2-m16") && r.err().contains("\"v2\""), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
