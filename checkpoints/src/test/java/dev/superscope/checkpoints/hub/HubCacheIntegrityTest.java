package dev.superscope.checkpoints.hub;

import static dev.superscope.checkpoints.hub.FakeHub.GPT2_HEAD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.SuperscopeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a misbehaving hub (or an older run) could leave in the shared caches, and how it no longer
 * sticks: compressed answers nobody asked for are refused, a whole file is checked against the size and
 * SHA-256 the hub announced before it is linked, files sharing one ETag get blobs of their own, and a
 * cached file that does not parse is fetched again once, so a good hub heals the cache.
 */
class HubCacheIntegrityTest {
    private static final String CONFIG = "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"],"
            + " \"n_embd\": 8, \"vocab_size\": 16}";

    @TempDir
    Path tmp;
    @AutoClose
    private final FakeHub hub = new FakeHub();
    private Path src;

    @BeforeEach
    void start() throws IOException {
        src = Files.createDirectories(tmp.resolve("src/m"));
        Files.writeString(src.resolve("config.json"), CONFIG);
        Files.writeString(src.resolve("merges.txt"), "#version: 0.2\nh e\n");
        // Over the LFS threshold: served from the "CDN", announced by SHA-256 and size.
        StringBuilder vocab = new StringBuilder("{\"model\": {\"type\": \"BPE\", \"vocab\": {");
        for (int i = 0; i < 16; i++) {
            vocab.append(i == 0 ? "" : ", ").append("\"token").append(i).append("-").append("x".repeat(300))
                    .append("\": ").append(i);
        }
        Files.writeString(src.resolve("tokenizer.json"), vocab.append("}}, \"added_tokens\": []}").toString());
        assertTrue(Files.size(src.resolve("tokenizer.json")) >= FakeHub.LFS_THRESHOLD);
        new SafetensorsWriter().floats(GPT2_HEAD, DType.F32, new long[] {16, 8}, new float[16 * 8])
                .write(src.resolve("model.safetensors"));
        hub.add("org/m", src);
    }

    private Checkpoint open(HubSettings s) {
        return HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s, DownloadListener.NONE);
    }

    private HubSettings settings() {
        return hub.settings(tmp, null);
    }

    private Path repoDir() {
        return tmp.resolve("hf/hub/models--org--m");
    }

    private Path snapshot() {
        return repoDir().resolve("snapshots").resolve(hub.commitOf("org/m"));
    }

    /** Opens against the hub and checks every small file arrived whole, as the source has it. */
    private void opensWithTheRightFiles() throws IOException {
        try (Checkpoint c = open(settings())) {
            assertEquals("gpt2", c.config().modelType());
            assertEquals(16, c.tokenizer().vocabSize().orElseThrow());
            assertEquals(1, c.tensors().tensors().size());
        }
        for (String f : List.of("config.json", "merges.txt", "tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(snapshot().resolve(f)), f);
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(content);
        }
        return out.toByteArray();
    }

    @Test
    void aCompressedAnswerNobodyAskedForIsRefusedAndNotStored() throws IOException {
        hub.gzipSmallFiles = true;
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> open(settings()).close());
        assertEquals(SuperscopeException.NETWORK, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("Content-Encoding \"gzip\""),
                e.getMessage());
        assertFalse(Files.exists(snapshot().resolve("config.json")), "nothing stored");
        hub.gzipSmallFiles = false;
        opensWithTheRightFiles();
    }

    /** A config.json left compressed (by an older run) is fetched again from a good hub, not trusted for ever. */
    @Test
    void aCachedFileThatDoesNotParseIsFetchedAgainOnce() throws IOException {
        SnapshotWriter writer = new SnapshotWriter(new HuggingFaceCache(tmp.resolve("hf/hub")));
        writer.writeRef("org/m", "main", hub.commitOf("org/m"));
        writer.writeFile("org/m", hub.commitOf("org/m"), "config.json",
                gzip(CONFIG.getBytes(StandardCharsets.UTF_8)), "poisoned", false);
        opensWithTheRightFiles();

        // Offline, there is nothing to fetch it from: the failure stands (exit 3, naming the file).
        writer.writeFile("org/m", hub.commitOf("org/m"), "config.json",
                gzip(CONFIG.getBytes(StandardCharsets.UTF_8)), "poisoned", false);
        BadInputException offline = assertThrows(BadInputException.class, () -> open(settings().offlineCopy()).close());
        assertTrue(offline.getMessage().contains("config.json"), offline.getMessage());
        int before = hub.requests.size();
        opensWithTheRightFiles();
        // Online, the damaged file itself is fetched again (not merely some other request made).
        List<FakeHub.Request> after = List.copyOf(hub.requests.subList(before, hub.requests.size()));
        assertTrue(after.stream().anyMatch(q -> q.path().endsWith("/config.json")), "requests since: " + after);
    }

    /** The same for a snapshot huggingface_hub completed (weights and all): the damaged file is fetched again. */
    @Test
    void aCompleteSnapshotWithADamagedConfigIsHealedFromTheHub() throws IOException {
        Path snap = Files.createDirectories(snapshot());
        Files.createDirectories(repoDir().resolve("refs"));
        Files.writeString(repoDir().resolve("refs/main"), hub.commitOf("org/m"));
        Files.copy(src.resolve("model.safetensors"), snap.resolve("model.safetensors"));
        Files.write(snap.resolve("config.json"), gzip(CONFIG.getBytes(StandardCharsets.UTF_8)));
        opensWithTheRightFiles();
    }

    /** Two files sharing one ETag each get a blob holding their own bytes (and nothing is shared by mistake). */
    @Test
    void filesSharingOneEtagDoNotShareABlob() throws IOException {
        hub.etagOverride = "0123456789abcdef0123456789abcdef01234567";
        opensWithTheRightFiles();
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            List<String> names = blobs.map(p -> p.getFileName().toString()).toList();
            assertEquals(3, names.size(), names.toString());
            assertFalse(names.contains(hub.etagOverride), "an ETag that is not the content's names no blob");
        }
    }

    /** With honest ETags, blobs are named by them, as huggingface_hub names them. */
    @Test
    void verifiedEtagsNameTheBlobs() throws IOException {
        opensWithTheRightFiles();
        byte[] config = Files.readAllBytes(src.resolve("config.json"));
        assertTrue(Files.isRegularFile(repoDir().resolve("blobs").resolve(ContentHashes.gitBlobId(config))));
        byte[] tokenizer = Files.readAllBytes(src.resolve("tokenizer.json"));
        assertTrue(Files.isRegularFile(repoDir().resolve("blobs").resolve(ContentHashes.sha256(tokenizer))));
    }

    /** An ETag of ".." (or ".") is no file name: the blob is named by its content and stays in blobs/. */
    @Test
    void anEtagOfDotDotNamesNoBlob() throws IOException {
        for (String etag : List.of("..", ".")) {
            hub.etagOverride = etag;
            opensWithTheRightFiles();
            try (Stream<Path> everything = Files.walk(repoDir(), 1)) {
                assertEquals(List.of("blobs", "refs", "snapshots"), everything.filter(p -> !p.equals(repoDir()))
                        .map(p -> p.getFileName().toString()).sorted().toList());
            }
            Files.walk(snapshot()).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** An LFS file whose bytes are not what the hub announced (SHA-256, size) is refused, not linked. */
    @Test
    void aWholeLfsFileNotMatchingItsAnnouncedHashOrSizeIsRefused() throws IOException {
        hub.etagOverride = "a".repeat(64);
        SuperscopeException hash = assertThrows(SuperscopeException.class, () -> open(settings()).close());
        assertEquals(SuperscopeException.NETWORK, hash.exitCode(), hash.getMessage());
        assertTrue(hash.getMessage().contains("tokenizer.json") && hash.getMessage().contains("SHA-256"),
                hash.getMessage());
        assertFalse(Files.exists(snapshot().resolve("tokenizer.json")));

        hub.etagOverride = null;
        hub.linkedSizeOverride = "12";
        SuperscopeException size = assertThrows(SuperscopeException.class, () -> open(settings()).close());
        assertTrue(size.getMessage().contains("tokenizer.json") && size.getMessage().contains("X-Linked-Size"),
                size.getMessage());
        assertFalse(Files.exists(snapshot().resolve("tokenizer.json")));

        hub.linkedSizeOverride = null;
        opensWithTheRightFiles();
    }

    /** A damaged safetensors header in the tensor cache is fetched again rather than failing every run. */
    @Test
    void aDamagedCachedHeaderIsFetchedAgain() throws IOException {
        opensWithTheRightFiles();
        Path header = new TensorCache(tmp.resolve("ss")).directory(new RemoteFile(HubId.parse("org/m").orElseThrow(),
                hub.commitOf("org/m"), "model.safetensors")).resolve("header.bin");
        assertTrue(Files.isRegularFile(header));
        byte[] junk = Files.readAllBytes(header);
        java.util.Arrays.fill(junk, 16, junk.length, (byte) '}');
        Files.write(header, junk);
        opensWithTheRightFiles();
    }

    /** The same for the byte ranges that index a PyTorch zip: damaged ones are fetched again. */
    @Test
    void damagedCachedZipRangesAreFetchedAgain() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src/bin"));
        Files.writeString(dir.resolve("config.json"), CONFIG);
        new TorchBinWriter("archive").storage("0", new float[16 * 8])
                .tensor(GPT2_HEAD, "0", 0, new long[] {16, 8}, new long[] {8, 1}).write(dir.resolve("pytorch_model.bin"));
        hub.add("org/bin", dir);
        HubId id = HubId.parse("org/bin").orElseThrow();
        try (Checkpoint c = HubCheckpoints.open(id, "org/bin", settings(), DownloadListener.NONE)) {
            assertEquals(1, c.tensors().tensors().size());
        }
        TensorCache cache = new TensorCache(tmp.resolve("ss"));
        RemoteFile file = new RemoteFile(id, hub.commitOf("org/bin"), "pytorch_model.bin");
        TensorCache.Ranges ranges = cache.ranges(file).orElseThrow();
        java.util.Arrays.fill(ranges.bytes().get(0L), (byte) 'X');
        cache.storeRanges(file, ranges);
        try (Checkpoint c = HubCheckpoints.open(id, "org/bin", settings(), DownloadListener.NONE)) {
            assertEquals(1, c.tensors().tensors().size());
        }
        // Offline there is nothing to fetch them from: the refusal stands.
        TensorCache.Ranges again = cache.ranges(file).orElseThrow();
        java.util.Arrays.fill(again.bytes().get(0L), (byte) 'X');
        cache.storeRanges(file, again);
        BadInputException stillDamagedOffline = assertThrows(BadInputException.class, () -> HubCheckpoints.open(id,
                "org/bin", settings().offlineCopy(), DownloadListener.NONE).close());
        assertTrue(stillDamagedOffline.getMessage().contains("pytorch_model.bin"), stillDamagedOffline.getMessage());
    }
}
