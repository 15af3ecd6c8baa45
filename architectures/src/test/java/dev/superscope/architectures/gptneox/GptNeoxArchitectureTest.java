package dev.superscope.architectures.gptneox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.testing.TestModels;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptNeoxArchitectureTest {
    @Test
    void pythiaPadsTheRealTokenizersIdsToMoreRows(@TempDir Path dir) throws IOException {
        // Pythia's shape: the GPT-NeoX-20B tokenizer (50277 ids) and 50304-row matrices.
        int rows = 50304;
        int cols = 2;
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt_neox\", \"architectures\":"
                + " [\"GPTNeoXForCausalLM\"], \"hidden_size\": 2, \"vocab_size\": 50304}");
        new SafetensorsWriter()
                .floats("gpt_neox.embed_in.weight", DType.F16, new long[] {rows, cols},
                        TestModels.gaussianValues(rows * cols, 1))
                .floats("embed_out.weight", DType.F16, new long[] {rows, cols}, TestModels.gaussianValues(rows * cols, 2))
                .write(dir.resolve("model.safetensors"));
        Files.createSymbolicLink(dir.resolve("tokenizer.json"),
                Fixtures.root().resolve("tokenizers/gptneox-20b/20B_tokenizer.json").toAbsolutePath());
        try (Checkpoint cp = CheckpointOpener.open(dir, "pythia-shaped")) {
            LoadedModel m = new GptNeoxArchitecture().load(cp);
            assertEquals(OptionalInt.of(50277), m.tokenizerVocab());
            assertEquals(27, m.paddedRows(MatrixKind.UNEMBEDDING));
            assertEquals(27, m.paddedRows(MatrixKind.EMBEDDING));
            assertEquals(50277, m.unembedding().firstRows(50277).rows());
            assertEquals(List.of(), m.warnings());
        }
    }

    @Test
    void withoutEmbedOutThereIsNoHead() {
        BadInputException e = assertThrows(BadInputException.class, () -> new GptNeoxArchitecture().load(
                TestModels.inMemory(Map.of("model_type", "gpt_neox", "hidden_size", 4), OptionalInt.empty(),
                        TestModels.gaussian("embed_in.weight", 5, 4, 1))));
        assertTrue(e.reason().contains("embed_out.weight") && e.reason().contains("defaults to false for gpt_neox"),
                e.getMessage());
    }
}
