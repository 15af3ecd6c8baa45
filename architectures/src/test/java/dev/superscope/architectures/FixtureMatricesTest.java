package dev.superscope.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.superscope.architectures.FixtureModels.Expected;
import dev.superscope.plugins.LoadedModel;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decoder fixture checkpoint, loaded the way the command line loads it, gives the matrices its
 * PROVENANCE.md documents, without a warning. What a loader does beyond that is in its own test.
 */
class FixtureMatricesTest {
    static Stream<Arguments> fixtures() {
        return Stream.of(
                // GPT-2 with the real vocabulary and tokenizer; tied, no lm_head stored.
                arguments("gpt2-m16", new Expected("gpt2", "GPT2LMHeadModel", 50257, 16, true,
                        "transformer.wte.weight", "transformer.wte.weight", 16, OptionalInt.of(50257), 0.0785750855,
                        0.0139247871)),
                // Cerebras-GPT, saved with save_file.
                arguments("cerebras-gpt2-tiny", new Expected("gpt2", "gpt2", 12, 8, true, "transformer.wte.weight",
                        "transformer.wte.weight", 8, OptionalInt.empty(), 0.0958059582, 0.019229074)),
                // Pythia-style: an untied embed_out.
                arguments("gptneox-tiny", new Expected("gpt_neox", "GPTNeoXForCausalLM", 11, 16, false,
                        "gpt_neox.embed_in.weight", "embed_out.weight", 16, OptionalInt.empty(), 0.0744221895,
                        0.0177960524)),
                // Tied, with both copies stored: they are equal, so no warning.
                arguments("opt-tiny", new Expected("opt", "OPTForCausalLM", 11, 16, true,
                        "model.decoder.embed_tokens.weight", "lm_head.weight", 16, OptionalInt.empty(), 0.067675559,
                        0.0235044993)),
                arguments("qwen2-tiny", new Expected("llama", "Qwen2ForCausalLM", 12, 8, false,
                        "model.embed_tokens.weight", "lm_head.weight", 8, OptionalInt.empty(), 0.0549770966,
                        0.0139176284)),
                // SmolLM2 in bfloat16, tied.
                arguments("smollm2-bf16-tiny", new Expected("llama", "LlamaForCausalLM", 12, 8, true,
                        "model.embed_tokens.weight", "model.embed_tokens.weight", 8, OptionalInt.empty(), 0.185056082,
                        0.0614537642)),
                // Two shards and their index.
                arguments("llama-sharded", new Expected("llama", "LlamaForCausalLM", 11, 8, false,
                        "model.embed_tokens.weight", "lm_head.weight", 8, OptionalInt.empty(), 1.02842452,
                        0.255859116)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void loadsTheDocumentedMatrices(String fixture, Expected expected) {
        LoadedModel m = FixtureModels.load(fixture);
        try {
            FixtureModels.check(expected, m);
            assertEquals(List.of(), m.warnings());
        } finally {
            m.checkpoint().close();
        }
    }
}
