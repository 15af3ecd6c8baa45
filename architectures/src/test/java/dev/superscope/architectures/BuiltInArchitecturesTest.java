package dev.superscope.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.Plugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltInArchitecturesTest {
    private final Plugins plugins = Plugins.discover(getClass().getClassLoader());

    @Test
    void theSevenLoadersAreRegisteredAsServices() {
        assertEquals(List.of("bert", "distilbert", "gpt2", "gpt_neox", "llama", "opt", "roberta"),
                List.copyOf(plugins.architectures().keySet()));
        for (Architecture l : plugins.architectures().values()) {
            assertFalse(l.description().isBlank(), l.name());
        }
    }

    @Test
    void eachFixtureConfigIsAcceptedByExactlyItsLoader() {
        Map<String, String> expected = Map.of("gpt2-m16", "gpt2", "cerebras-gpt2-tiny", "gpt2",
                "opt-tiny", "opt", "gptneox-tiny", "gpt_neox", "qwen2-tiny", "llama", "smollm2-bf16-tiny", "llama",
                "llama-sharded", "llama");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            ModelConfig config = CheckpointOpener.readConfig(Fixtures.checkpoint(e.getKey()));
            assertEquals(e.getValue(), plugins.architectureFor(config).name(), e.getKey());
        }
    }

    @Test
    void byModelTypeOrByArchitecture() {
        for (Map.Entry<String, Object> e : Map.<String, Object>of(
                "mistral", Map.of("model_type", "mistral"),
                "MistralForCausalLM", Map.of("architectures", List.of("MistralForCausalLM")),
                "qwen2", Map.of("model_type", "qwen2"),
                "OPTModel", Map.of("architectures", List.of("OPTModel")),
                "GPTNeoXForCausalLM", Map.of("architectures", List.of("GPTNeoXForCausalLM")),
                "GPT2LMHeadModel", Map.of("architectures", List.of("GPT2LMHeadModel")),
                "BertForPreTraining", Map.of("architectures", List.of("BertForPreTraining")),
                "xlm-roberta", Map.of("model_type", "xlm-roberta"),
                "camembert", Map.of("model_type", "camembert"),
                "DistilBertModel", Map.of("architectures", List.of("DistilBertModel"))).entrySet()) {
            @SuppressWarnings("unchecked")
            ModelConfig config = new ModelConfig((Map<String, Object>) e.getValue(), Path.of("config.json"));
            assertEquals(1, plugins.architectures().values().stream().filter(l -> l.accepts(config)).count(), e.getKey());
        }
    }

    @Test
    void anUnsupportedArchitectureListsTheLoaders() {
        ModelConfig bloom = new ModelConfig(Map.of("model_type", "bloom", "architectures", List.of("BloomForCausalLM")),
                Path.of("ckpt", "config.json"));
        BadInputException e = assertThrows(BadInputException.class, () -> plugins.architectureFor(bloom));
        assertEquals(Path.of("ckpt", "config.json"), e.file());
        assertTrue(e.reason().contains("bloom") && e.reason().contains("bert, distilbert, gpt2, gpt_neox, llama, opt, roberta")
                && e.reason().contains("--plugin-path"), e.getMessage());
    }
}
