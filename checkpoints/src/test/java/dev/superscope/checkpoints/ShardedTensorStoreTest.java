package dev.superscope.checkpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.testing.TestModels;
import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedTensorStoreTest {
    static final String SHARD1 = "model-00001-of-00002.safetensors";
    static final String SHARD2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    /** Shard 1: the embedding; shard 2: the head and a norm vector. */
    static Path writeSharded(Path dir) throws IOException {
        new SafetensorsWriter()
                .floats("model.embed_tokens.weight", DType.F32, new long[] {6, 4}, TestModels.gaussianValues(24, 1))
                .write(dir.resolve(SHARD1));
        new SafetensorsWriter()
                .floats("lm_head.weight", DType.F32, new long[] {6, 4}, TestModels.gaussianValues(24, 2))
                .floats("model.norm.weight", DType.F32, new long[] {4}, new float[] {1, 1, 1, 1})
                .write(dir.resolve(SHARD2));
        Path index = dir.resolve("model.safetensors.index.json");
        SafetensorsWriter.writeIndex(index, 4 * (24 + 24 + 4), Map.of("model.embed_tokens.weight", SHARD1,
                "lm_head.weight", SHARD2, "model.norm.weight", SHARD2));
        return index;
    }

    /** Opens shards with the real reader, counting how often each file is opened. */
    private static final class CountingOpener implements java.util.function.Function<Path, TensorStore> {
        final Map<String, Integer> opened = new TreeMap<>();

        @Override
        public TensorStore apply(Path file) {
            opened.merge(file.getFileName().toString(), 1, Integer::sum);
            return SafetensorsStore.open(file);
        }
    }

    @Test
    void opensOnlyTheShardThatHoldsTheTensorAskedFor() throws IOException {
        Path index = writeSharded(dir);
        CountingOpener opener = new CountingOpener();
        try (ShardedTensorStore store = ShardedTensorStore.open(index, opener)) {
            assertTrue(store.contains("lm_head.weight"));
            assertFalse(store.contains("nope"));
            assertEquals(Map.of(), opener.opened, "contains() answers from the index alone");

            float[] emb = store.matrix("model.embed_tokens.weight").rowsAsFloats(0, 6);
            assertArrayEquals(TestModels.gaussianValues(24, 1), emb);
            assertEquals(Map.of(SHARD1, 1), opener.opened);

            store.find("model.embed_tokens.weight");
            store.matrix("model.embed_tokens.weight");
            assertEquals(Map.of(SHARD1, 1), opener.opened, "a shard is opened once");

            List<TensorInfo> all = store.tensors();
            assertEquals(List.of("lm_head.weight", "model.embed_tokens.weight", "model.norm.weight"),
                    all.stream().map(TensorInfo::name).toList());
            assertEquals(Map.of(SHARD1, 1, SHARD2, 1), opener.opened);
            assertEquals(dir.resolve(SHARD2).toString(), all.get(0).source());
            assertArrayEquals(new long[] {4}, all.get(2).shape());
        }
    }

    @Test
    void aCorruptOrMissingOtherShardDoesNotMatterUntilItIsNeeded() throws IOException {
        Path index = writeSharded(dir);
        Files.write(dir.resolve(SHARD2), new byte[] {1, 2, 3});
        try (ShardedTensorStore store = ShardedTensorStore.open(index)) {
            assertEquals(6, store.matrix("model.embed_tokens.weight").rows());
            BadInputException e = assertThrows(BadInputException.class, () -> store.matrix("lm_head.weight"));
            assertTrue(e.getMessage().contains(SHARD2), e.getMessage());
        }
        Files.delete(dir.resolve(SHARD2));
        try (ShardedTensorStore store = ShardedTensorStore.open(index)) {
            assertEquals(4, store.matrix("model.embed_tokens.weight").cols());
            BadInputException e = assertThrows(BadInputException.class, store::tensors);
            assertEquals(index, e.file());
            assertTrue(e.reason().contains("\"" + SHARD2 + "\"") && e.reason().contains("missing"), e.getMessage());
        }
    }

    @Test
    void aTensorListedButAbsentFromItsShardIsNamedWithTheIndex() throws IOException {
        writeSharded(dir);
        Path index = writeIndex("{\"weight_map\": {\"model.embed_tokens.weight\": \"" + SHARD2 + "\"}}");
        try (ShardedTensorStore store = ShardedTensorStore.open(index)) {
            assertTrue(store.contains("model.embed_tokens.weight"));
            for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> store.find("model.embed_tokens.weight"), () -> store.matrix("model.embed_tokens.weight"),
                    store::tensors)) {
                BadInputException e = assertThrows(BadInputException.class, call);
                assertEquals(index, e.file());
                assertTrue(e.reason().contains("model.embed_tokens.weight") && e.reason().contains(SHARD2),
                        e.getMessage());
            }
        }
    }

    @Test
    void aTensorInNoShardIsAbsent() throws IOException {
        Path index = writeSharded(dir);
        try (ShardedTensorStore store = ShardedTensorStore.open(index)) {
            assertTrue(store.find("model.layers.0.mlp.weight").isEmpty());
            BadInputException e = assertThrows(BadInputException.class, () -> store.matrix("model.layers.0.mlp.weight"));
            assertEquals(index, e.file());
            assertTrue(e.reason().contains("model.layers.0.mlp.weight"), e.getMessage());
        }
    }

    @Test
    void shardNamesMustStayInsideTheDirectory() throws IOException {
        writeSharded(dir);
        Files.createDirectories(dir.resolve("sub"));
        Files.copy(dir.resolve(SHARD1), dir.resolve("sub").resolve(SHARD1));
        for (String bad : List.of("../" + SHARD1, "sub/../../" + SHARD1, "/etc/" + SHARD1,
                dir.resolve(SHARD1).toString(), "sub\\\\" + SHARD1, "C:" + SHARD1, "c:/x/" + SHARD1, "",
                "./" + SHARD1, "sub//" + SHARD1, "config.json", "model.safetensors.index.json")) {
            Path index = writeIndex("{\"weight_map\": {\"w\": \"" + bad + "\"}}");
            BadInputException e = assertThrows(BadInputException.class, () -> ShardedTensorStore.open(index),
                    bad);
            assertEquals(index, e.file(), bad);
            assertTrue(e.reason().contains("shard name") && e.reason().contains("\"w\""), e.getMessage());
        }
        // A plain relative path into a subdirectory is fine.
        Path index = writeIndex("{\"weight_map\": {\"model.embed_tokens.weight\": \"sub/" + SHARD1 + "\"}}");
        try (ShardedTensorStore store = ShardedTensorStore.open(index)) {
            assertEquals(6, store.matrix("model.embed_tokens.weight").rows());
        }
    }

    @Test
    void aShardMayBeASymbolicLink() throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        writeSharded(blobs);
        Path snapshot = Files.createDirectories(dir.resolve("snapshot"));
        for (String f : List.of(SHARD1, SHARD2, "model.safetensors.index.json")) {
            Files.createSymbolicLink(snapshot.resolve(f), Path.of("..", "blobs", f));
        }
        try (ShardedTensorStore store = ShardedTensorStore.open(snapshot.resolve("model.safetensors.index.json"))) {
            assertArrayEquals(TestModels.gaussianValues(24, 2), store.matrix("lm_head.weight").rowsAsFloats(0, 6));
        }
    }

    @Test
    void malformedIndexesAreBadInputNamingTheIndex() throws IOException {
        Map<String, String> cases = Map.of(
                "not json {", "not valid JSON",
                "[1, 2]", "not a JSON object",
                "{\"metadata\": {}}", "no \"weight_map\"",
                "{\"weight_map\": [\"a\"]}", "not an object",
                "{\"weight_map\": {\"w\": 3}}", "not a shard file name",
                "{\"weight_map\": {\"w\": \"a.safetensors\", \"w\": \"b.safetensors\"}}", "Duplicate",
                "{\"weight_map\": {}} trailing", "not valid JSON",
                "", "not valid JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path index = writeIndex(c.getKey());
            BadInputException e = assertThrows(BadInputException.class, () -> ShardedTensorStore.open(index),
                    c.getKey());
            assertEquals(index, e.file());
            assertTrue(e.reason().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        BadInputException missing = assertThrows(BadInputException.class,
                () -> ShardedTensorStore.open(dir.resolve("absent.index.json")));
        assertTrue(missing.getMessage().contains("absent.index.json"));
    }

    @Test
    void closingClosesEveryOpenedShard() throws IOException {
        Path index = writeSharded(dir);
        List<TensorStore> opened = new java.util.ArrayList<>();
        ShardedTensorStore store = ShardedTensorStore.open(index, f -> {
            TensorStore s = SafetensorsStore.open(f);
            opened.add(s);
            return s;
        });
        store.tensors();
        store.close();
        assertEquals(2, opened.size());
        for (TensorStore s : opened) {
            assertThrows(IllegalStateException.class, () -> s.matrix(s.tensors().get(0).name()));
        }
        assertThrows(IllegalStateException.class, () -> store.matrix("lm_head.weight"));
    }

    private Path writeIndex(String json) throws IOException {
        Path index = dir.resolve("test.safetensors.index.json");
        Files.writeString(index, json, StandardCharsets.UTF_8);
        return index;
    }
}
