package dev.superscope.checkpoints.hub;

import static dev.superscope.checkpoints.hub.FakeHub.GPT2_CONFIG;
import static dev.superscope.checkpoints.hub.FakeHub.GPT2_HEAD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.safetensors.SafetensorsHeader;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.testing.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub path end to end against {@link FakeHub} on 127.0.0.1: ranged reads, caches, errors. */
class HubCheckpointsTest {

    @TempDir
    Path tmp;
    @AutoClose
    private final FakeHub hub = new FakeHub();

    private HubSettings settings(String token) {
        return hub.settings(tmp, token);
    }

    /** A gpt2-shaped checkpoint: a 4096 x 64 F32 head (1 MiB) beside 19 MiB of other weights. */
    private Path bigSingleFile(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src").resolve(name));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        new SafetensorsWriter()
                .floats(GPT2_HEAD, DType.F32, new long[]{4096, 64}, TestModels.gaussianValues(4096 * 64, 1))
                .tensor("transformer.h.0.mlp.c_fc.weight", DType.F32, new long[]{19 * 256, 1024},
                        (first, count, block) -> {
                            while (block.hasRemaining()) {
                                block.put((byte) 7);
                            }
                        })
                .write(dir.resolve("model.safetensors"));
        return dir;
    }


    private static float[] allRows(Matrix m) {
        return m.rowsAsFloats(0, (int) m.rows());
    }

    @Test
    void singleFileFetchesOnlyHeadersSmallFilesAndTheHead() throws IOException {
        Path src = bigSingleFile("m");
        FakeHub.Repo repo = hub.add("org/m", src);
        HubSettings s = settings(null);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s, DownloadListener.NONE)) {
            assertEquals(List.of("transformer.h.0.mlp.c_fc.weight", GPT2_HEAD),
                    c.tensors().tensors().stream().map(TensorInfo::name).toList());
            long beforeMatrix = hub.bytesServed.get();
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
            long headBytes = 4096L * 64 * 4;
            assertEquals(headBytes, hub.bytesServed.get() - beforeMatrix, "only the head's bytes for the matrix");
            assertEquals("gpt2", c.config().modelType());
        }
        long headerBytes = 8 + SafetensorsHeader.read(src.resolve("model.safetensors")).headerLength();
        long small = Files.size(src.resolve("config.json")) + Files.size(src.resolve("merges.txt"));
        long revisionJson = hub.requests.stream().filter(q -> q.path().startsWith("/api/")).mapToLong(
                FakeHub.Request::bodyBytes).sum();
        long expected = 4096L * 64 * 4 + headerBytes + small + revisionJson;
        long served = hub.bytesServed.get();
        assertTrue(served >= expected && served <= expected * 1.01, "served " + served + ", expected ~" + expected
                + " of a " + Files.size(src.resolve("model.safetensors")) + "-byte file");

        // The Hugging Face cache layout: refs, a relative link into blobs.
        Path repoDir = tmp.resolve("hf/hub/models--org--m");
        assertEquals(repo.commit, Files.readString(repoDir.resolve("refs/main")));
        Path config = repoDir.resolve("snapshots").resolve(repo.commit).resolve("config.json");
        assertTrue(Files.isSymbolicLink(config));
        assertFalse(Files.readSymbolicLink(config).isAbsolute());
        assertEquals(GPT2_CONFIG, Files.readString(config));
        // The tensor cache holds a valid one-tensor safetensors file.
        Path cached = new TensorCache(tmp.resolve("ss")).tensorPath(new RemoteFile(HubId.parse("org/m").orElseThrow(),
                repo.commit, "model.safetensors"), GPT2_HEAD);
        assertEquals(1, SafetensorsHeader.read(cached).size());

        // A second run and an offline run read only the caches.
        long before = hub.bytesServed.get();
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s.offlineCopy(),
                DownloadListener.NONE)) {
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
        }
        assertEquals(before, hub.bytesServed.get());
    }

    /** A forward pass reads 1-D and N-D weights too: fetched alone, the first time rows are read, through view(). */
    @Test
    void weightsOfAnyRankAreFetchedAloneThroughView() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src").resolve("fw"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        float[] bias = TestModels.gaussianValues(64, 2);
        float[] cube = TestModels.gaussianValues(2 * 3 * 4, 3);
        new SafetensorsWriter()
                .floats(GPT2_HEAD, DType.F32, new long[]{4096, 64}, TestModels.gaussianValues(4096 * 64, 1))
                .floats("transformer.ln_f.bias", DType.F32, new long[]{64}, bias)
                .floats("cube", DType.F32, new long[]{2, 3, 4}, cube)
                .floats("scale", DType.F32, new long[]{}, new float[]{0.5f})
                .write(dir.resolve("model.safetensors"));
        hub.add("org/fw", dir);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/fw").orElseThrow(), "org/fw", settings(null),
                DownloadListener.NONE)) {
            long before = hub.bytesServed.get();
            Matrix b = c.tensors().view("transformer.ln_f.bias");
            assertEquals(1, b.rows());
            assertEquals(64, b.cols());
            assertEquals(before, hub.bytesServed.get(), "nothing fetched before rows are read");
            assertArrayEquals(bias, allRows(b));
            assertEquals(64 * 4, hub.bytesServed.get() - before, "only the bias's bytes");
            Matrix cubeRows = c.tensors().view("cube");
            assertEquals(2, cubeRows.rows());
            assertEquals(12, cubeRows.cols());
            assertArrayEquals(cube, allRows(cubeRows));
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().view(GPT2_HEAD)));
            long beforeScalar = hub.bytesServed.get();
            BadInputException scalar = assertThrows(BadInputException.class, () -> c.tensors().view("scale"));
            assertTrue(scalar.getMessage().contains("scale"), scalar.getMessage());
            assertEquals(beforeScalar, hub.bytesServed.get(), "refused before anything is fetched");
        }
    }

    /** A tensor name longer than a file name may be still gets a file in the tensor cache. */
    @Test
    void aTensorWithANameTooLongForAFileIsFetchedAndCached() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src").resolve("long"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        String longName = "model.layers." + "x".repeat(1000) + "\u001b[2J.weight";
        new SafetensorsWriter().floats(longName, DType.F32, new long[]{4}, new float[]{1, 2, 3, 4})
                .write(dir.resolve("model.safetensors"));
        hub.add("org/long", dir);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/long").orElseThrow(), "org/long", settings(null),
                DownloadListener.NONE)) {
            assertArrayEquals(new float[]{1, 2, 3, 4}, allRows(c.tensors().view(longName)));
        }
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/long").orElseThrow(), "org/long",
                settings(null).offlineCopy(), DownloadListener.NONE)) {
            assertArrayEquals(new float[]{1, 2, 3, 4}, allRows(c.tensors().view(longName)), "from the cache");
        }
    }

    /** Two runs of this process fetching one tensor at once: one downloads it, the other waits and reads the cache. */
    @Test
    void threadsFetchingOneTensorTakeTurns() throws Exception {
        bigSingleFile("m");
        hub.add("org/m", tmp.resolve("src/m"));
        hub.slowBodiesMillis = 300; // both reach the download before either finishes it
        HubSettings s = settings(null);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<float[]>> reads = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                reads.add(pool.submit(() -> {
                    try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s,
                            DownloadListener.NONE)) {
                        Matrix head = c.tensors().matrix(GPT2_HEAD);
                        go.await();
                        return allRows(head);
                    }
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<float[]> r : reads) {
                assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long headRequests = hub.requests.stream().filter(q -> q.path().endsWith("model.safetensors")
                && q.bodyBytes() == 4096L * 64 * 4).count();
        assertEquals(1, headRequests, "the head was downloaded once: " + hub.requests);
    }

    /** Another process holding the tensor's lock (fetching it): this run waits for it instead of writing the same file. */
    @Test
    void anotherProcessFetchingTheTensorIsWaitedFor() throws Exception {
        bigSingleFile("m");
        FakeHub.Repo repo = hub.add("org/m", tmp.resolve("src/m"));
        Path cached = new TensorCache(tmp.resolve("ss")).tensorPath(new RemoteFile(HubId.parse("org/m").orElseThrow(),
                repo.commit, "model.safetensors"), GPT2_HEAD);
        Files.createDirectories(cached.getParent());
        Path lock = cached.resolveSibling(cached.getFileName() + ".lock");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), lock.toString(), "3000")
                .redirectErrorStream(true).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertEquals("locked", line);
            long start = System.nanoTime();
            try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", settings(null),
                    DownloadListener.NONE)) {
                assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
            }
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(waitedMillis >= 2500, "the fetch waited for the other process's lock: " + waitedMillis + " ms");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void offlineMissSaysWhatIsMissingAndWhereItLooked() throws IOException {
        Path src = bigSingleFile("m");
        hub.add("org/m", src);
        HubSettings s = settings(null);
        SuperscopeException none = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                HubId.parse("org/m").orElseThrow(), "org/m", s.offlineCopy(), DownloadListener.NONE));
        assertTrue(none.getMessage().contains("org/m") && none.getMessage().contains("looked for"), none.getMessage());
        // Online once for the header only, then offline: the tensor list works, the matrix names what is missing.
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s, DownloadListener.NONE)) {
            assertEquals(2, c.tensors().tensors().size());
        }
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s.offlineCopy(),
                DownloadListener.NONE)) {
            assertEquals(2, c.tensors().tensors().size());
            SuperscopeException miss = assertThrows(SuperscopeException.class, () -> c.tensors().matrix(GPT2_HEAD).rawRows(0, 1));
            assertEquals(SuperscopeException.NETWORK, miss.exitCode());
            assertTrue(miss.getMessage().contains(GPT2_HEAD) && miss.getMessage().contains("looked for")
                    && !miss.getMessage().contains("\n"), miss.getMessage());
        }
    }

    @Test
    void shardedFetchesTheIndexAndOnlyTheShardHoldingTheTensor() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src/sharded"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        new SafetensorsWriter().floats("transformer.h.0.attn.weight", DType.F16, new long[]{64, 64}, TestModels.gaussianValues(4096, 2))
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().floats(GPT2_HEAD, DType.BF16, new long[]{4096, 64}, TestModels.gaussianValues(4096 * 64, 3))
                .floats("transformer.ln_f.weight", DType.F32, new long[]{64}, TestModels.gaussianValues(64, 4))
                .write(dir.resolve("model-00002-of-00002.safetensors"));
        SafetensorsWriter.writeIndex(dir.resolve("model.safetensors.index.json"), 4096 * 2 + 4096 * 64 * 2 + 256,
                Map.of("transformer.h.0.attn.weight", "model-00001-of-00002.safetensors",
                        GPT2_HEAD, "model-00002-of-00002.safetensors",
                        "transformer.ln_f.weight", "model-00002-of-00002.safetensors"));
        hub.add("org/sharded", dir);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/sharded").orElseThrow(), "org/sharded",
                settings(null), DownloadListener.NONE)) {
            assertTrue(c.tensors().contains("transformer.h.0.attn.weight"));
            Matrix m = c.tensors().matrix(GPT2_HEAD);
            assertEquals(DType.BF16, m.dtype());
            float[] expected = TestModels.gaussianValues(4096 * 64, 3);
            float[] got = allRows(m);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], Math.abs(expected[i]) / 128 + 1e-6f);
            }
        }
        assertTrue(hub.requests.stream().noneMatch(q -> q.path().contains("00001-of")), "shard 1 never touched");
        assertEquals(4096L * 64 * 2 + 8 + SafetensorsHeader.read(dir.resolve("model-00002-of-00002.safetensors"))
                .headerLength(), hub.bytesFor("model-00002-of-00002.safetensors"));
    }

    @Test
    void gatedModelNeedsATokenThatGoesToTheHubButNotTheCdn() throws IOException {
        hub.add("org/gated", bigSingleFile("g")).token = "hf_secret";
        SuperscopeException refused = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                HubId.parse("org/gated").orElseThrow(), "org/gated", settings(null), DownloadListener.NONE));
        assertTrue(refused.getMessage().contains("HF_TOKEN") && refused.getMessage().contains("gated"),
                refused.getMessage());
        assertEquals(SuperscopeException.BAD_INPUT, refused.exitCode());

        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/gated").orElseThrow(), "org/gated",
                settings("hf_secret"), DownloadListener.NONE)) {
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
        }
        assertTrue(hub.requests.stream().anyMatch(q -> q.server().equals("hub")
                && "Bearer hf_secret".equals(q.authorization())));
        assertTrue(hub.requests.stream().anyMatch(q -> q.server().equals("cdn")), "large files come from the CDN");
        hub.requests.stream().filter(q -> q.server().equals("cdn")).forEach(q -> assertNull(q.authorization(),
                "token leaked to the CDN: " + q));
    }

    @Test
    void droppedConnectionResumesFromWhatArrived() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        HubSettings s = settings(null);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s, DownloadListener.NONE)) {
            hub.dropAfter.set(300_000);
            long before = hub.bytesServed.get();
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
            assertEquals(4096L * 64 * 4, hub.bytesServed.get() - before, "no byte fetched twice");
        }
        long resumed = hub.requests.stream().filter(q -> q.server().equals("cdn") && q.range() != null).count();
        assertTrue(resumed >= 3, "header, cut-off tensor, resumed tensor: " + hub.requests);
    }

    @Test
    void partFileFromAnEarlierRunIsResumed() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        HubSettings once = settings(null).withRetry(new HubSettings.RetryPolicy(1, Duration.ofMillis(1),
                Duration.ofSeconds(5), Duration.ofSeconds(2)));
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", once,
                DownloadListener.NONE)) {
            hub.dropAfter.set(400_000);
            SuperscopeException dropped = assertThrows(SuperscopeException.class, () -> c.tensors().matrix(GPT2_HEAD).rawRows(0, 1));
            assertEquals(SuperscopeException.NETWORK, dropped.exitCode());
        }
        long before = hub.bytesFor("model.safetensors");
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", settings(null),
                DownloadListener.NONE)) {
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
        }
        assertEquals(4096L * 64 * 4 - 400_000, hub.bytesFor("model.safetensors") - before,
                "only the rest was fetched");
    }

    @Test
    void serverErrorsAreRetried() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        hub.failNext.set(2);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", settings(null),
                DownloadListener.NONE)) {
            assertEquals(2, c.tensors().tensors().size());
        }
        assertEquals(2, hub.requests.stream().filter(q -> q.bodyBytes() == "try later".length()).count());
        hub.failNext.set(100);
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", settings(null),
                DownloadListener.NONE)) {
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> c.tensors().matrix(GPT2_HEAD).rawRows(0, 1));
            assertEquals(SuperscopeException.NETWORK, e.exitCode());
            assertTrue(e.getMessage().contains("503") && e.getMessage().contains("4 tries"), e.getMessage());
        }
    }

    /** A redirect to anything but an http(s) URL is the server misbehaving: exit 4, not an internal error. */
    @Test
    void redirectsToFileUrlsOrMalformedLocationsAreNetworkFailures() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        for (String location : List.of("file:///etc/passwd", "http://[::1/x", "jar:file:/x!/y", "//", "ftp://h/x")) {
            hub.lfsLocation = location;
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                    HubId.parse("org/m").orElseThrow(), "org/m", settings(null), DownloadListener.NONE).close(),
                    location);
            assertEquals(SuperscopeException.NETWORK, e.exitCode(), location + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("redirected"),
                    e.getMessage());
        }
    }

    /**
     * A CDN URL's query string is a temporary credential: whatever goes wrong after the redirect, the
     * message names the hub URL asked for, never the redirect target or its query.
     */
    @Test
    void aFailedRedirectNeverShowsTheTargetsQueryString() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        HubSettings once = settings(null).withRetry(new HubSettings.RetryPolicy(1, Duration.ofMillis(1),
                Duration.ofSeconds(5), Duration.ofSeconds(2)));
        // A port no socket can have (the JDK refuses the request), and a port nothing listens on.
        for (String location : List.of("http://127.0.0.1:99999/o?X-Amz-Signature=SECRET",
                "http://127.0.0.1:1/o?X-Amz-Signature=SECRET")) {
            hub.lfsLocation = location;
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                    HubId.parse("org/m").orElseThrow(), "org/m", once, DownloadListener.NONE).close(), location);
            assertEquals(SuperscopeException.NETWORK, e.exitCode(), location + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
            assertFalse(e.getMessage().contains("SECRET") || e.getMessage().contains("X-Amz"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** A tensor name is the caller's text, echoed: a terminal escape in it comes out escaped. */
    @Test
    void anAbsentRemoteTensorsNameIsEscaped() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", settings(null),
                DownloadListener.NONE)) {
            for (String name : List.of("\u001b]0;pwned\u0007", "a\nb")) {
                BadInputException e = assertThrows(BadInputException.class, () -> c.tensors().matrix(name));
                assertTrue(e.getMessage().contains("no tensor named"), e.getMessage());
                assertFalse(e.getMessage().contains("\u001b") || e.getMessage().contains("\u0007")
                        || e.getMessage().contains("\n"), e.getMessage());
                assertTrue(e.getMessage().contains("\\x1b]0;pwned\\x07") || e.getMessage().contains("a\\nb"),
                        e.getMessage());
            }
        }
    }

    @Test
    void missingRepositoryOrRevisionIsNamed() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        SuperscopeException rev = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                HubId.parse("org/m@v9").orElseThrow(), "org/m@v9", settings(null), DownloadListener.NONE));
        assertTrue(rev.getMessage().contains("org/m") && rev.getMessage().contains("\"v9\"")
                && rev.getMessage().contains("404"), rev.getMessage());
        assertEquals(SuperscopeException.BAD_INPUT, rev.exitCode());
        SuperscopeException repo = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                HubId.parse("org/nothing").orElseThrow(), "org/nothing", settings(null), DownloadListener.NONE));
        assertTrue(repo.getMessage().contains("org/nothing") && repo.getMessage().contains("\"main\""),
                repo.getMessage());
    }

    @Test
    void serverIgnoringRangeIsReadOnlyAsFarAsNeeded() throws IOException {
        hub.add("org/m", bigSingleFile("m"));
        hub.ignoreRange = true;
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", settings(null),
                DownloadListener.NONE)) {
            assertEquals(2, c.tensors().tensors().size());
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
        }
    }

    @Test
    void completeSnapshotInTheCacheIsOpenedWithoutNetwork() throws IOException {
        Path src = bigSingleFile("m");
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path snap = Files.createDirectories(tmp.resolve("hf/hub/models--org--local/snapshots").resolve(commit));
        Files.createDirectories(tmp.resolve("hf/hub/models--org--local/refs"));
        Files.writeString(tmp.resolve("hf/hub/models--org--local/refs/main"), commit);
        Files.copy(src.resolve("config.json"), snap.resolve("config.json"));
        Files.copy(src.resolve("model.safetensors"), snap.resolve("model.safetensors"));
        try (Checkpoint c = HubCheckpoints.open(HubId.parse("org/local").orElseThrow(), "org/local", settings(null),
                DownloadListener.NONE)) {
            assertArrayEquals(TestModels.gaussianValues(4096 * 64, 1), allRows(c.tensors().matrix(GPT2_HEAD)));
        }
        assertTrue(hub.requests.isEmpty());
    }

    @Test
    void tokenComesFromTheTokenFileUnderHfHome() throws IOException {
        Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(tmp.resolve("hf/token"), "hf_fromfile\n", StandardCharsets.UTF_8);
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", tmp.resolve("hf").toString()));
        assertEquals("hf_fromfile", s.token());
        assertEquals(HubSettings.DEFAULT_ENDPOINT, s.endpoint());
        assertFalse(s.toString().contains("hf_fromfile"));
        assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "1", "HOME", tmp.toString())).offline());
    }

    @Test
    void oneTensorHeaderIsAValidSafetensorsHeader() {
        SafetensorsHeader.Entry e = new SafetensorsHeader.Entry("a \"b\"", DType.BF16, new long[]{3, 5}, 10, 40);
        byte[] head = TensorCache.oneTensorHeader(e);
        long n = SafetensorsHeader.headerLength(java.util.Arrays.copyOf(head, 8), head.length + 30, Path.of("x"));
        SafetensorsHeader h = SafetensorsHeader.parse(java.util.Arrays.copyOfRange(head, 8, head.length), 30,
                Path.of("x"));
        assertEquals(head.length - 8, n);
        assertEquals(0, n % 8);
        assertEquals(30, h.entry("a \"b\"").orElseThrow().byteLength());
        assertEquals("a%20%22b%22", TensorCache.encode("a \"b\""));
        assertEquals("%2Ehidden", TensorCache.encode(".hidden"));
        // A name too long for a file name is cut and made unique by its hash.
        String longName = "w".repeat(5000);
        assertEquals(TensorCache.MAX_ENCODED, TensorCache.encode(longName).length());
        assertTrue(!TensorCache.encode(longName).equals(TensorCache.encode(longName + "x")));
        assertEquals(TensorCache.MAX_ENCODED, TensorCache.encode("\u001b".repeat(5000)).length());
        assertEquals(ByteBuffer.class, ByteBuffer.wrap(head).getClass().getSuperclass());
    }

    @Test
    void binThatIsNotAZipIsRefusedAfterItsFirstBytes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src/bin"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        Files.write(dir.resolve("pytorch_model.bin"), new byte[100_000]);
        hub.add("org/bin", dir);
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> HubCheckpoints.open(
                HubId.parse("org/bin").orElseThrow(), "org/bin", settings(null), DownloadListener.NONE));
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("not a PyTorch zip"),
                e.getMessage());
        assertTrue(hub.bytesFor("pytorch_model.bin") <= 15, "only the signature: " + hub.requests);
    }
}
