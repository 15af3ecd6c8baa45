package dev.superscope.checkpoints.hub;

import static dev.superscope.checkpoints.hub.FakeHub.GPT2_CONFIG;
import static dev.superscope.checkpoints.hub.FakeHub.GPT2_HEAD;
import dev.superscope.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.safetensors.SafetensorsHeader;
import dev.superscope.checkpoints.torch.TorchZipStore;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch {@code .bin} checkpoints on the hub ({@link FakeHub} on 127.0.0.1): the zip directory and
 * data.pkl by Range requests, then only the storages of the tensors read, with the same values as
 * {@link TorchZipStore} reading the file locally, cached for offline runs, resumed after a dropped
 * connection, and a malicious pickle refused before any storage is fetched.
 */
class HubTorchBinTest {
    private static final String TRANSPOSED = "lm_head.transposed";
    private static final String SLICE = "transformer.wte.rows5to15";

    @TempDir
    Path tmp;
    @AutoClose
    private final FakeHub hub = new FakeHub();

    private HubSettings settings() {
        return hub.settings(tmp, null);
    }

    private Checkpoint open(String repo, HubSettings s) {
        return HubCheckpoints.open(HubId.parse(repo).orElseThrow(), repo, s, DownloadListener.NONE);
    }

    private static Path fixtures() {
        return Fixtures.checkpoint("torch-bin");
    }

    /** A repository folder with config.json and links to fixture files under the given names. */
    private Path repoOf(String name, Map<String, String> links) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src").resolve(name));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        for (Map.Entry<String, String> l : links.entrySet()) {
            Files.createSymbolicLink(dir.resolve(l.getKey()), fixtures().resolve(l.getValue()).toAbsolutePath());
        }
        hub.add("org/" + name, dir);
        return dir;
    }

    /** The repository org/big: config.json and {@link #bigBin} as pytorch_model.bin. */
    private record BigRepo(Path bin, TorchBinWriter writer) {
    }

    private BigRepo bigRepo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src/big"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        Path bin = dir.resolve("pytorch_model.bin");
        TorchBinWriter writer = bigBin(bin);
        hub.add("org/big", dir);
        return new BigRepo(bin, writer);
    }

    /**
     * A gpt2-shaped .bin: a 4096 x 64 F32 head (1 MiB) beside 8 MiB of other weights, a transposed
     * (strided) 128 x 64 view, a row slice of the head (a view at a storage offset) and a 1-D bias.
     */
    private TorchBinWriter bigBin(Path file) throws IOException {
        TorchBinWriter w = new TorchBinWriter("archive")
                .storage("0", values(4096 * 64, 1))
                .storage("1", values(64 * 32768, 2))
                .storage("2", values(64 * 128, 3))
                .storage("3", values(64, 4))
                .tensor(GPT2_HEAD, "0", 0, new long[] {4096, 64}, new long[] {64, 1})
                .tensor("transformer.h.0.mlp.c_fc.weight", "1", 0, new long[] {64, 32768}, new long[] {32768, 1})
                .tensor(TRANSPOSED, "2", 0, new long[] {128, 64}, new long[] {1, 128})
                .tensor(SLICE, "0", 5 * 64, new long[] {10, 64}, new long[] {64, 1})
                .tensor("transformer.ln_f.weight", "3", 0, new long[] {64}, new long[] {1});
        w.write(file);
        return w;
    }

    @Test
    void singleFixtureBinMatchesTheLocalReaderAndAnOfflineRunFetchesNothing() throws IOException {
        Path src = repoOf("tiny", Map.of("pytorch_model.bin", "tiny_gpt2.bin"));
        HubSettings s = settings();
        List<String> matrices = List.of("wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.1.mlp.c_proj.weight");
        try (TorchZipStore local = TorchZipStore.load(src.resolve("pytorch_model.bin"));
             Checkpoint c = open("org/tiny", s)) {
            assertEquals(local.tensors().stream().map(TensorInfo::name).toList(),
                    c.tensors().tensors().stream().map(TensorInfo::name).toList());
            for (String name : matrices) {
                assertArrayEquals(allRows(local.matrix(name)), allRows(c.tensors().matrix(name)), name);
            }
            long before = hub.bytesServed.get();
            c.tensors().matrix("wte.weight").rawRows(0, 1);
            assertEquals(before, hub.bytesServed.get(), "a tensor read once is not fetched again");
        }
        // Only the storages read were fetched: one request's body per tensor of exactly its bytes.
        for (long size : new long[] {11 * 8 * 4, 16 * 8 * 4, 8 * 24 * 4, 32 * 8 * 4}) {
            assertEquals(1, hub.requests.stream().filter(q -> q.path().endsWith("pytorch_model.bin")
                    && q.bodyBytes() == size).count(), "one fetch of " + size + " bytes: " + hub.requests);
        }
        assertTrue(hub.bytesFor("pytorch_model.bin") < Files.size(src.resolve("pytorch_model.bin")) / 2,
                "fetched " + hub.bytesFor("pytorch_model.bin"));

        long before = hub.bytesServed.get();
        int requests = hub.requests.size();
        try (TorchZipStore local = TorchZipStore.load(src.resolve("pytorch_model.bin"));
             Checkpoint c = open("org/tiny", s.offlineCopy())) {
            assertEquals(local.tensors().size(), c.tensors().tensors().size());
            for (String name : matrices) {
                assertArrayEquals(allRows(local.matrix(name)), allRows(c.tensors().matrix(name)), name);
            }
            SuperscopeException miss = assertThrows(SuperscopeException.class,
                    () -> c.tensors().matrix("h.0.mlp.c_fc.weight").rawRows(0, 1));
            assertEquals(SuperscopeException.NETWORK, miss.exitCode());
            assertTrue(miss.getMessage().contains("h.0.mlp.c_fc.weight") && miss.getMessage().contains("looked for"),
                    miss.getMessage());
        }
        assertEquals(before, hub.bytesServed.get());
        assertEquals(requests, hub.requests.size(), "offline: no request at all");
    }

    @Test
    void largeBinCostsTheHeadPlusDirectoryAndPickle() throws IOException {
        BigRepo big = bigRepo();
        Path bin = big.bin();
        TorchBinWriter w = big.writer();
        try (TorchZipStore local = TorchZipStore.load(bin); Checkpoint c = open("org/big", settings())) {
            assertEquals(5, c.tensors().tensors().size());
            long beforeMatrix = hub.bytesFor("pytorch_model.bin");
            assertArrayEquals(allRows(local.matrix(GPT2_HEAD)), allRows(c.tensors().matrix(GPT2_HEAD)));
            long headBytes = 4096L * 64 * 4;
            long forMatrix = hub.bytesFor("pytorch_model.bin") - beforeMatrix;
            assertTrue(forMatrix >= headBytes && forMatrix <= headBytes + 30 + 64,
                    "the head and its storage's local header: " + forMatrix);
            assertEquals("gpt2", c.config().modelType());
        }
        long size = Files.size(bin);
        long directory = size - w.centralDirectoryOffset;
        long revisionJson = hub.requests.stream().filter(q -> q.path().startsWith("/api/"))
                .mapToLong(FakeHub.Request::bodyBytes).sum();
        long expected = 4096L * 64 * 4 + directory + w.pickleBytes + Files.size(bin.resolveSibling("config.json"))
                + revisionJson;
        long served = hub.bytesServed.get();
        assertTrue(served >= expected && served <= expected * 1.01, "served " + served + ", expected ~" + expected
                + " of a " + size + "-byte file");

        // The cache holds the head as a valid one-tensor safetensors file.
        Path cached = new TensorCache(tmp.resolve("ss")).tensorPath(new RemoteFile(HubId.parse("org/big").orElseThrow(),
                commitOf(), "pytorch_model.bin"), GPT2_HEAD);
        SafetensorsHeader h = SafetensorsHeader.read(cached);
        assertEquals(1, h.size());
        assertEquals(4096L * 64 * 4, h.dataLength());
    }

    /** A forward pass reads 1-D weights too: fetched alone, the first time rows are read, through view(). */
    @Test
    void oneDimensionalWeightsAreFetchedAloneThroughView() throws IOException {
        Path bin = bigRepo().bin();
        try (TorchZipStore local = TorchZipStore.load(bin); Checkpoint c = open("org/big", settings())) {
            long before = hub.bytesFor("pytorch_model.bin");
            Matrix norm = c.tensors().view("transformer.ln_f.weight");
            assertEquals(1, norm.rows());
            assertEquals(64, norm.cols());
            assertEquals(before, hub.bytesFor("pytorch_model.bin"), "nothing fetched before rows are read");
            assertArrayEquals(values(64, 4), allRows(norm));
            assertArrayEquals(allRows(local.view("transformer.ln_f.weight")), allRows(norm));
            long fetched = hub.bytesFor("pytorch_model.bin") - before;
            assertTrue(fetched >= 64 * 4 && fetched <= 64 * 4 + 30 + 64, "the weight and its storage's local header: "
                    + fetched);
            // Two dimensions go through matrix(), strided ones gathered as before.
            assertArrayEquals(allRows(local.matrix(TRANSPOSED)), allRows(c.tensors().view(TRANSPOSED)));
            BadInputException absent = assertThrows(BadInputException.class, () -> c.tensors().view("no.such"));
            assertTrue(absent.getMessage().contains("no.such"), absent.getMessage());
        }
    }

    @Test
    void stridedAndOffsetViewsAreGatheredRowMajorIntoTheCache() throws IOException {
        Path bin = bigRepo().bin();
        HubSettings s = settings();
        try (TorchZipStore local = TorchZipStore.load(bin); Checkpoint c = open("org/big", s)) {
            assertTrue(!local.layout(TRANSPOSED).orElseThrow().isContiguous());
            long before = hub.bytesFor("pytorch_model.bin");
            assertArrayEquals(allRows(local.matrix(TRANSPOSED)), allRows(c.tensors().matrix(TRANSPOSED)));
            long fetched = hub.bytesFor("pytorch_model.bin") - before;
            assertTrue(fetched >= 64 * 128 * 4 && fetched <= 64 * 128 * 4 + 30 + 64, "span only: " + fetched);
            before = hub.bytesFor("pytorch_model.bin");
            assertArrayEquals(allRows(local.matrix(SLICE)), allRows(c.tensors().matrix(SLICE)));
            fetched = hub.bytesFor("pytorch_model.bin") - before;
            assertTrue(fetched >= 10 * 64 * 4 && fetched <= 10 * 64 * 4 + 30 + 64, "the slice only: " + fetched);
        }
        Path cacheDir = new TensorCache(tmp.resolve("ss")).directory(new RemoteFile(HubId.parse("org/big")
                .orElseThrow(), commitOf(), "pytorch_model.bin"));
        try (var files = Files.list(cacheDir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no leftovers");
        }
        long before = hub.bytesServed.get();
        try (TorchZipStore local = TorchZipStore.load(bin); Checkpoint c = open("org/big", s.offlineCopy())) {
            assertArrayEquals(allRows(local.matrix(TRANSPOSED)), allRows(c.tensors().matrix(TRANSPOSED)));
            assertArrayEquals(allRows(local.matrix(SLICE)), allRows(c.tensors().matrix(SLICE)));
        }
        assertEquals(before, hub.bytesServed.get());
    }

    @Test
    void shardedBinIndexFetchesOnlyTheShardHoldingTheTensor() throws IOException {
        Path src = repoOf("sharded", Map.of("pytorch_model.bin.index.json", "tiny_gpt2.bin.index.json",
                "tiny_gpt2-00001-of-00002.bin", "tiny_gpt2-00001-of-00002.bin",
                "tiny_gpt2-00002-of-00002.bin", "tiny_gpt2-00002-of-00002.bin"));
        HubSettings s = settings();
        try (TorchZipStore local = TorchZipStore.load(src.resolve("tiny_gpt2-00001-of-00002.bin"));
             Checkpoint c = open("org/sharded", s)) {
            assertTrue(c.tensors().contains("ln_f.weight"));
            assertArrayEquals(allRows(local.matrix("wte.weight")), allRows(c.tensors().matrix("wte.weight")));
            assertArrayEquals(allRows(local.matrix("wpe.weight")), allRows(c.tensors().matrix("wpe.weight")));
        }
        assertTrue(hub.requests.stream().noneMatch(q -> q.path().contains("00002-of")), "shard 2 never touched");
        long before = hub.bytesServed.get();
        try (TorchZipStore local = TorchZipStore.load(src.resolve("tiny_gpt2-00001-of-00002.bin"));
             Checkpoint c = open("org/sharded", s.offlineCopy())) {
            assertArrayEquals(allRows(local.matrix("wte.weight")), allRows(c.tensors().matrix("wte.weight")));
        }
        assertEquals(before, hub.bytesServed.get());
    }

    @Test
    void droppedConnectionResumesFromWhatArrived() throws IOException {
        Path bin = bigRepo().bin();
        try (TorchZipStore local = TorchZipStore.load(bin); Checkpoint c = open("org/big", settings())) {
            Matrix m = c.tensors().matrix(GPT2_HEAD);
            c.tensors().matrix(SLICE).rawRows(0, 1); // fetches the local header of the head's storage too
            hub.dropAfter.set(300_000);
            long before = hub.bytesFor("pytorch_model.bin");
            float[] got = allRows(m);
            long fetched = hub.bytesFor("pytorch_model.bin") - before;
            assertArrayEquals(allRows(local.matrix(GPT2_HEAD)), got);
            assertEquals(4096L * 64 * 4, fetched, "no byte twice");
        }
        assertTrue(hub.requests.stream().anyMatch(q -> q.bodyBytes() == 300_000), "the cut-off request");
    }

    @Test
    void partFileFromAnEarlierRunIsResumed() throws IOException {
        Path bin = bigRepo().bin();
        HubSettings once = settings().withRetry(new HubSettings.RetryPolicy(1, Duration.ofMillis(1),
                Duration.ofSeconds(5), Duration.ofSeconds(2)));
        try (Checkpoint c = open("org/big", once)) {
            c.tensors().matrix(SLICE).rawRows(0, 1); // fetches the local header of the head's storage too
            hub.dropAfter.set(400_000);
            SuperscopeException dropped = assertThrows(SuperscopeException.class,
                    () -> c.tensors().matrix(GPT2_HEAD).rawRows(0, 1));
            assertEquals(SuperscopeException.NETWORK, dropped.exitCode());
        }
        long before = hub.bytesFor("pytorch_model.bin");
        try (TorchZipStore local = TorchZipStore.load(bin); Checkpoint c = open("org/big", settings())) {
            assertArrayEquals(allRows(local.matrix(GPT2_HEAD)), allRows(c.tensors().matrix(GPT2_HEAD)));
        }
        assertEquals(4096L * 64 * 4 - 400_000, hub.bytesFor("pytorch_model.bin") - before,
                "only the rest was fetched (the zip directory and the storage position come from the cache)");
    }

    @Test
    void maliciousPickleIsRefusedBeforeAnyStorageIsFetched() throws IOException {
        Path src = repoOf("evil", Map.of("pytorch_model.bin", "evil_torch.bin"));
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> open("org/evil", settings()));
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("posix.system") && e.getMessage().contains("pytorch_model.bin")
                && !e.getMessage().contains("\n"), e.getMessage());
        // Only: 15 signature bytes, the end record and central directory, and data.pkl and byteorder with
        // their local headers (the archive has no storages; its other small entries are never read).
        byte[] bytes = Files.readAllBytes(src.resolve("pytorch_model.bin"));
        java.nio.ByteBuffer tail = java.nio.ByteBuffer.wrap(bytes, bytes.length - 22, 22).slice()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long cdOffset = tail.getInt(16) & 0xFFFFFFFFL;
        long allowed = 15 + (bytes.length - cdOffset) + (30 + "evil_torch/data.pkl".length() + 54)
                + (30 + "evil_torch/byteorder".length() + 6);
        long served = hub.bytesFor("pytorch_model.bin");
        assertTrue(served <= allowed, "served " + served + " of " + bytes.length + ", allowed " + allowed);
        assertTrue(hub.requests.stream().noneMatch(q -> q.path().endsWith("pytorch_model.bin") && q.range() == null),
                "never the whole file");
        // Nothing about it is kept: the next run checks it afresh.
        assertTrue(Files.notExists(tmp.resolve("ss/tensors/org--evil")) || noRangesFile(tmp.resolve("ss/tensors/org--evil")));
    }

    /**
     * The pickle of issue #14 on the hub: a dict key that is a tuple DAG of 3^30 nodes in a few hundred
     * bytes. It hung inspect; now it is refused as a local file is, before any storage is fetched.
     */
    @Test
    void aPickleWithATupleDagKeyIsRefusedAtOnce() throws IOException {
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, '}', 'K', 0, (byte) 0x85, 'q', 0});
        for (int level = 0; level < 30; level++) {
            // T(level) is on the stack: two more copies from the memo, TUPLE3, memoised as level + 1.
            p.writeBytes(new byte[] {'h', (byte) level, 'h', (byte) level, (byte) 0x87, 'q', (byte) (level + 1)});
        }
        p.writeBytes(new byte[] {'N', 's', '.'});
        Path dir = Files.createDirectories(tmp.resolve("src/dag"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        new TorchBinWriter("archive").rawPickle(p.toByteArray()).write(dir.resolve("pytorch_model.bin"));
        hub.add("org/dag", dir);
        SuperscopeException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> assertThrows(SuperscopeException.class,
                        () -> open("org/dag", settings())));
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("dict key is a tuple"),
                e.getMessage());
    }

    /** A stride-0 view (one stored row seen as 20 million) is refused as a matrix before any storage is fetched. */
    @Test
    void anExpandedViewIsRefusedBeforeItsStorageIsFetched() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src/expanded"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        new TorchBinWriter("archive").storage("0", values(64, 1))
                .tensor(GPT2_HEAD, "0", 0, new long[] {20_000_000, 64}, new long[] {0, 1})
                .write(dir.resolve("pytorch_model.bin"));
        hub.add("org/expanded", dir);
        try (Checkpoint c = open("org/expanded", settings())) {
            assertEquals(1, c.tensors().tensors().size());
            long before = hub.bytesFor("pytorch_model.bin");
            BadInputException e = assertThrows(BadInputException.class, () -> c.tensors().matrix(GPT2_HEAD));
            assertTrue(e.getMessage().contains("overlap") && e.getMessage().contains(GPT2_HEAD), e.getMessage());
            assertEquals(before, hub.bytesFor("pytorch_model.bin"), "nothing fetched for it");
        }
    }

    private static boolean noRangesFile(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.noneMatch(p -> p.getFileName().toString().equals(TensorCache.RANGES_FILE));
        }
    }

    private String commitOf() {
        return FakeHub.sha1("org/big" + tmp.resolve("src/big"));
    }

    private static float[] allRows(Matrix m) {
        return m.rowsAsFloats(0, (int) m.rows());
    }

    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(i * 0.37 + seed) * (1 + (i % 7));
        }
        return v;
    }
}
