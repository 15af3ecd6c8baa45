package dev.superscope.architectures.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.checkpoints.ShardedTensorStore;
import dev.superscope.architectures.FixtureModels;
import dev.superscope.testing.TestModels;
import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaArchitectureTest {
    // The matrices of the qwen2, smollm2 and sharded llama fixtures are checked in FixtureMatricesTest.

    @Test
    void theTiedBf16HeadIsTheEmbeddingItself() {
        LoadedModel m = FixtureModels.load("smollm2-bf16-tiny");
        assertEquals(DType.BF16, m.unembedding().dtype());
        assertSame(m.embedding(), m.unembedding());
        m.checkpoint().close();
    }

    @Test
    void aShardedCheckpointIsReadThroughItsIndex() {
        LoadedModel m = FixtureModels.load("llama-sharded");
        assertTrue(m.checkpoint().tensors() instanceof ShardedTensorStore);
        assertTrue(m.unembedding().name().equals("lm_head.weight"));
        m.checkpoint().close();
    }

    @Test
    void theHeadShardAloneServesTheHead(@TempDir Path dir) throws IOException {
        // A partial download: config, index and the second shard only (links to the fixture files).
        Path fixture = Fixtures.checkpoint("llama-sharded").toAbsolutePath();
        for (String f : List.of("config.json", "model.safetensors.index.json", "tiny_llama-00002-of-00002.safetensors")) {
            Files.createSymbolicLink(dir.resolve(f), fixture.resolve(f));
        }
        float[] expected;
        try (Checkpoint whole = CheckpointOpener.open(fixture, "whole")) {
            expected = whole.tensors().matrix("lm_head.weight").rowsAsFloats(0, 11);
        }
        try (Checkpoint cp = CheckpointOpener.open(dir, "partial")) {
            assertArrayEquals(expected, cp.tensors().matrix("lm_head.weight").rowsAsFloats(0, 11));
            BadInputException e = assertThrows(BadInputException.class, () -> new LlamaArchitecture().load(cp));
            assertTrue(e.getMessage().contains("model.safetensors.index.json")
                    && e.getMessage().contains("tiny_llama-00001-of-00002.safetensors")
                    && e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void mistralAndBarePrefixes() {
        Matrix emb = TestModels.gaussian("embed_tokens.weight", 7, 4, 1);
        Matrix head = TestModels.gaussian("lm_head.weight", 7, 4, 2);
        Map<String, Object> config = Map.of("model_type", "mistral", "architectures", List.of("MistralForCausalLM"),
                "hidden_size", 4);
        LlamaArchitecture loader = new LlamaArchitecture();
        assertTrue(loader.accepts(new dev.superscope.plugins.ModelConfig(config, null)));
        LoadedModel m = loader.load(TestModels.inMemory(config, OptionalInt.empty(), emb, head));
        assertSame(emb, m.embedding());
        assertSame(head, m.unembedding());
        assertEquals("MistralForCausalLM", m.architecture());
        assertEquals(false, m.tied());
        BadInputException e = assertThrows(BadInputException.class, () -> loader.load(
                TestModels.inMemory(config, OptionalInt.empty(), emb)));
        assertTrue(e.reason().contains("lm_head.weight"), e.getMessage());
    }
}
