package dev.superscope.checkpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.testing.TestModels;
import dev.superscope.checkpoints.hub.HuggingFaceCache;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Plugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLocatorTest {
    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    /**
     * A cache laid out as huggingface_hub lays it out: every snapshot file a relative link into blobs/,
     * holding a GPT-2 checkpoint and a sharded Llama checkpoint.
     */
    private HuggingFaceCache cache() throws IOException {
        Path root = tmp.resolve("hub");
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Files.writeString(staging.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_embd\": 4}");
        Files.writeString(staging.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"c\": 2, \"d\": 3, \"e\": 4}");
        CheckpointOpenerTest.writeGpt2(staging.resolve("model.safetensors"), 6, 4);
        link(root, "models--org--gpt", staging, List.of("config.json", "vocab.json", "model.safetensors"));

        Path sharded = Files.createDirectories(tmp.resolve("staging-sharded"));
        ShardedTensorStoreTest.writeSharded(sharded);
        Files.writeString(sharded.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 4}");
        link(root, "models--org--sharded", sharded, List.of("config.json", "model.safetensors.index.json",
                ShardedTensorStoreTest.SHARD1, ShardedTensorStoreTest.SHARD2));
        return new HuggingFaceCache(root);
    }

    private static void link(Path root, String repoFolder, Path from, List<String> files) throws IOException {
        Path repo = Files.createDirectories(root.resolve(repoFolder));
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        int blob = 0;
        for (String f : files) {
            String blobName = "blob" + blob++;
            Files.copy(from.resolve(f), blobs.resolve(blobName));
            Files.createSymbolicLink(snapshot.resolve(f), Path.of("..", "..", "blobs", blobName));
        }
    }

    @Test
    void anExistingPathIsUsedAsIs() throws IOException {
        CheckpointLocator locator = new CheckpointLocator(new HuggingFaceCache(tmp.resolve("no-cache")));
        assertEquals(tmp, locator.resolve(tmp.toString()));
        Path nested = Files.createDirectories(tmp.resolve("org").resolve("name"));
        String relative = Path.of("").toAbsolutePath().relativize(nested).toString();
        assertEquals(Path.of(relative), locator.resolve(relative), "a local org/name directory wins over the cache");
    }

    @Test
    void aHubIdOpensTheCachedSnapshotThroughItsLinks() throws IOException {
        CheckpointLocator locator = new CheckpointLocator(cache());
        Path snapshot = locator.resolve("org/gpt");
        assertTrue(snapshot.endsWith(Path.of("models--org--gpt", "snapshots", COMMIT)), snapshot.toString());
        assertEquals(snapshot, locator.resolve("org/gpt@main"));
        assertEquals(snapshot, locator.resolve("org/gpt@" + COMMIT));
        try (Checkpoint cp = CheckpointOpener.open(snapshot, "org/gpt")) {
            assertTrue(Files.isSymbolicLink(cp.directory().resolve("model.safetensors")));
            Matrix wte = cp.tensors().matrix("transformer.wte.weight");
            assertEquals(6, wte.rows());
            assertEquals(OptionalInt.of(5), cp.tokenizer().vocabSize());
            assertArrayEquals(TestModels.gaussianValues(24, 7), wte.rowsAsFloats(0, 6));
        }
        try (Checkpoint cp = CheckpointOpener.open(locator.resolve("org/sharded"), "org/sharded")) {
            assertEquals("llama", cp.config().modelType());
            assertArrayEquals(TestModels.gaussianValues(24, 2), cp.tensors().matrix("lm_head.weight").rowsAsFloats(0, 6));
        }
    }

    @Test
    void aMissIsBadInputSayingWhereItLooked() throws IOException {
        HuggingFaceCache cache = cache();
        CheckpointLocator locator = new CheckpointLocator(cache);
        BadInputException e = assertThrows(BadInputException.class, () -> locator.resolve("org/missing@v2"));
        assertEquals(cache.root().resolve("models--org--missing"), e.file());
        assertTrue(e.reason().contains("does not download") && e.reason().contains("no local path \"org/missing@v2\""),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anythingElseIsAClearError() {
        CheckpointLocator locator = new CheckpointLocator(new HuggingFaceCache(tmp));
        for (String arg : new String[] {"gpt2", "./missing/dir", "a/b/c", ""}) {
            BadInputException e = assertThrows(BadInputException.class, () -> locator.resolve(arg), arg);
            assertTrue(e.getMessage().contains("neither an existing file or directory nor a Hugging Face id"),
                    e.getMessage());
        }
    }

    @Test
    void theDefaultLocatorReadsTheProcessEnvironment() {
        Map<String, String> env = System.getenv();
        assertEquals(HuggingFaceCache.fromEnvironment(env).root(), HuggingFaceCache.fromSystemEnvironment().root());
    }
}
