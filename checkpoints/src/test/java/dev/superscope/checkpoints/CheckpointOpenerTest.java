package dev.superscope.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.testing.TestModels;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointOpenerTest {
    @TempDir
    Path dir;

    static void writeGpt2(Path file, int rows, int cols) throws IOException {
        TestModels.writeGaussian(file, "transformer.wte.weight", rows, cols, 7);
    }

    private void config(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json, StandardCharsets.UTF_8);
    }

    @Test
    void opensADirectoryWithConfigWeightsAndTokenizer() throws IOException {
        config("{\"model_type\": \"gpt2\", \"n_embd\": 4, \"architectures\": [\"GPT2LMHeadModel\"],"
                + " \"layer_norm_epsilon\": 1e-05, \"nested\": {\"a\": [1, 2.5, null, true]}}");
        writeGpt2(dir.resolve("model.safetensors"), 9, 4);
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"c\": 7}");
        try (Checkpoint cp = CheckpointOpener.open(dir, "my-id")) {
            assertEquals("my-id", cp.id());
            assertEquals(dir.toAbsolutePath(), cp.directory());
            assertEquals("gpt2", cp.config().modelType());
            assertEquals(OptionalInt.of(4), cp.config().integer("n_embd"));
            assertEquals(1e-05, cp.config().number("layer_norm_epsilon").orElseThrow());
            assertEquals(Map.of("a", java.util.Arrays.asList(1, 2.5, null, true)), cp.config().values().get("nested"));
            assertEquals(dir.resolve("config.json"), cp.config().source());
            assertEquals(OptionalInt.of(8), cp.tokenizer().vocabSize());
            assertEquals(List.of("transformer.wte.weight"),
                    cp.tensors().tensors().stream().map(t -> t.name()).toList());
        }
    }

    @Test
    void configMustBeOneWellFormedObject() throws IOException {
        writeGpt2(dir.resolve("model.safetensors"), 3, 2);
        Map<String, String> cases = Map.of(
                "{\"model_type\": \"gpt2\", \"model_type\": \"opt\"}", "Duplicate field 'model_type'",
                "[{\"model_type\": \"gpt2\"}]", "not a JSON object",
                "\"gpt2\"", "not a JSON object",
                "{\"model_type\": \"gpt2\",}", "not valid JSON",
                "{\"model_type\": \"gpt2\"", "not valid JSON",
                "{} {}", "not valid JSON",
                "", "not valid JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            config(c.getKey());
            BadInputException e = assertThrows(BadInputException.class, () -> CheckpointOpener.open(dir, "x"),
                    c.getKey());
            assertEquals(dir.resolve("config.json"), e.file());
            assertTrue(e.getMessage().contains("config.json") && e.reason().contains(c.getValue()),
                    c.getKey() + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void pythonStyleNonFiniteNumbersAreAccepted() throws IOException {
        config("{\"model_type\": \"gpt2\", \"x\": NaN, \"y\": -Infinity}");
        ModelConfig c = CheckpointOpener.readConfig(dir);
        assertTrue(Double.isNaN(c.number("x").orElseThrow()));
        assertEquals(Double.NEGATIVE_INFINITY, c.number("y").orElseThrow());
    }

    /** Adds a file {@code name} to the checkpoint directory: the opener must now take it for the weights. */
    private void assertPreferredOnceAdded(String name) throws IOException {
        Files.write(dir.resolve(name), new byte[] {1});
        assertEquals(dir.resolve(name), CheckpointOpener.weightsFile(dir));
    }

    @Test
    void safetensorsArePreferredOverPyTorchFiles() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1});
        Files.write(dir.resolve("pytorch_model.bin.index.json"), new byte[] {1});
        assertEquals(dir.resolve("pytorch_model.bin"), CheckpointOpener.weightsFile(dir));
        assertPreferredOnceAdded("model.safetensors.index.json");
        assertPreferredOnceAdded("model.safetensors");
    }

    @Test
    void otherwiseTheSingleFileOfTheBestKindIsChosen() throws IOException {
        Files.write(dir.resolve("training_args.bin"), new byte[] {1});
        assertThrows(BadInputException.class, () -> CheckpointOpener.weightsFile(dir),
                "training_args.bin is not weights");
        assertPreferredOnceAdded("tiny.bin");
        assertPreferredOnceAdded("tiny.bin.index.json");
        assertPreferredOnceAdded("a.safetensors");
        Files.write(dir.resolve("b.safetensors"), new byte[] {1});
        BadInputException several = assertThrows(BadInputException.class, () -> CheckpointOpener.weightsFile(dir));
        assertTrue(several.reason().contains("a.safetensors, b.safetensors"), several.getMessage());
        Files.write(dir.resolve("ab.safetensors.index.json"), new byte[] {1});
        assertEquals(dir.resolve("ab.safetensors.index.json"), CheckpointOpener.weightsFile(dir),
                "an index beats its shards");
    }

    @Test
    void anEmptyDirectoryOrAMissingPathIsBadInput() {
        BadInputException empty = assertThrows(BadInputException.class, () -> CheckpointOpener.open(dir, "x"));
        assertEquals(dir, empty.file());
        assertTrue(empty.reason().contains("model.safetensors"), empty.getMessage());
        BadInputException missing = assertThrows(BadInputException.class,
                () -> CheckpointOpener.open(dir.resolve("nope"), "x"));
        assertTrue(missing.reason().contains("no such file"), missing.getMessage());
        assertThrows(BadInputException.class, () -> CheckpointOpener.open(dir.resolve("nope.safetensors"), "x"));
    }

    @Test
    void aFilePathOpensThatFileWithTheDirectorysConfig() throws IOException {
        config("{\"model_type\": \"gpt2\", \"n_embd\": 3}");
        writeGpt2(dir.resolve("model.safetensors"), 5, 3);
        writeGpt2(dir.resolve("other.safetensors"), 7, 3);
        try (Checkpoint cp = CheckpointOpener.open(dir.resolve("other.safetensors"), "other")) {
            assertEquals(7, cp.tensors().matrix("transformer.wte.weight").rows());
            assertEquals("gpt2", cp.config().modelType());
            assertEquals(dir.toAbsolutePath(), cp.directory());
        }
        Files.writeString(dir.resolve("notes.txt"), "hello");
        BadInputException e = assertThrows(BadInputException.class,
                () -> CheckpointOpener.open(dir.resolve("notes.txt"), "x"));
        assertTrue(e.reason().contains("not a weights file"), e.getMessage());
    }
}
