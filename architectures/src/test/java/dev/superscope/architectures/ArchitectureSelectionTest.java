package dev.superscope.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which architecture a checkpoint gets: the one named, else the one its config.json asks for. */
class ArchitectureSelectionTest {
    @TempDir
    Path dir;

    private static void writeGpt2(Path file, int rows, int cols) throws IOException {
        TestModels.writeGaussian(file, "transformer.wte.weight", rows, cols, 7);
    }

    private void config(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json, StandardCharsets.UTF_8);
    }

    @Test
    void withoutConfigTensorsOpenButTheLoaderMustBeNamed() throws IOException {
        writeGpt2(dir.resolve("weights.safetensors"), 5, 3);
        Plugins plugins = Plugins.discover(getClass().getClassLoader());
        try (Checkpoint cp = CheckpointOpener.open(dir, "bare")) {
            assertEquals(Map.of(), cp.config().values());
            assertFalse(cp.config().fromFile());
            assertEquals(1, cp.tensors().tensors().size());
            BadInputException e = assertThrows(BadInputException.class,
                    () -> plugins.architectureFor(cp, null));
            assertEquals(dir.resolve("config.json"), e.file());
            assertTrue(e.reason().contains("missing") && e.reason().contains("--loader")
                    && e.reason().contains("bert, distilbert, gpt2, gpt_neox, llama, opt, roberta"), e.getMessage());
            LoadedModel m = plugins.architectureFor(cp, "gpt2").load(cp);
            assertTrue(m.tied());
            assertEquals(3, m.hiddenSize());
            assertEquals("gpt2", m.architecture());
            SuperscopeException unknown = assertThrows(SuperscopeException.class,
                    () -> plugins.architectureFor(cp, "bloom"));
            assertEquals(SuperscopeException.USAGE, unknown.exitCode());
        }
    }

    @Test
    void theLoaderIsDetectedFromConfig() throws IOException {
        config("{\"model_type\": \"gpt2\", \"n_embd\": 3}");
        writeGpt2(dir.resolve("model.safetensors"), 5, 3);
        try (Checkpoint cp = CheckpointOpener.open(dir, "x")) {
            assertEquals("gpt2", Plugins.discover(getClass().getClassLoader()).architectureFor(cp, null).name());
        }
    }
}
