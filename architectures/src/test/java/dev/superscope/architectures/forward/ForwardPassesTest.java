package dev.superscope.architectures.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.SpecArchitecture;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.SuperscopeException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which forward pass a checkpoint gets, and the errors a user can meet. */
class ForwardPassesTest {

    @Test
    void picksTheArchitectureByLoaderName() {
        ForwardFixtures.Reference ref = ForwardFixtures.reference("qwen2-tiny");
        try (Checkpoint c = ForwardFixtures.checkpoint("qwen2-tiny");
             ForwardModel model = Forwards.named("llama", c)) {
            assertEquals("qwen2", model.architecture());
            assertEquals(12, model.vocabSize());
            double err = ForwardFixtures.maxAbsError(ref.logits()[1], model.logits(ref.sequences()[1]));
            assertTrue(err <= ForwardReferenceTest.TOLERANCE, "max abs error " + err);
        }
    }

    @Test
    void anArchitectureWithoutAForwardPassIsBadInputNamingIt() {
        try (Checkpoint c = ForwardFixtures.checkpoint("opt-tiny")) {
            Architecture audited = new SpecArchitecture(new ArchitectureSpec("audit-only", Set.of("opt"), Set.of(),
                    List.of("model.decoder.embed_tokens.weight"), List.of(), List.of("hidden_size"),
                    List.of("hidden_size"), true), "no forward pass") {
            };
            assertFalse(audited.hasForwardPass());
            BadInputException e = assertThrows(BadInputException.class, () -> audited.forward(c, Forwards.FLOAT64));
            assertTrue(e.getMessage().contains("no forward pass for architecture \"audit-only\""), e.getMessage());
            assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        }
    }

    @Test
    void anUnsupportedArchitectureIsBadInputNamingTheSupportedOnes() {
        try (Checkpoint c = ForwardFixtures.checkpoint("opt-tiny")) {
            Map<String, Object> values = new HashMap<>(c.config().values());
            values.put("model_type", "bloom");
            values.put("architectures", List.of("BloomForCausalLM"));
            Checkpoint bloom = new Checkpoint(c.id(), c.directory(), new ModelConfig(values, c.config().source()),
                    c.tensors(), c.tokenizer());
            BadInputException e = assertThrows(BadInputException.class,
                    () -> Forwards.detected(bloom));
            assertTrue(e.getMessage().contains("BloomForCausalLM") && e.getMessage().contains("gpt2, gpt_neox, llama, opt, roberta"),
                    e.getMessage());
            assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        }
    }

    @Test
    void idsOutsideTheVocabularyOrThePositionTableAreUsageErrors() {
        try (Checkpoint c = ForwardFixtures.checkpoint("cerebras-gpt2-tiny");
             ForwardModel model = Forwards.detected(c)) {
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> model.logits(new long[] {3, 12}));
            assertEquals(SuperscopeException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("12") && e.getMessage().contains("vocabulary of 12"), e.getMessage());
            assertThrows(SuperscopeException.class, () -> model.logits(new long[] {-1}));
            assertThrows(SuperscopeException.class, () -> model.logits(new long[0]));
            // 16 learned positions
            SuperscopeException tooLong = assertThrows(SuperscopeException.class, () -> model.logits(new long[17]));
            assertTrue(tooLong.getMessage().contains("16 positions"), tooLong.getMessage());
        }
    }

    @Test
    void aMissingWeightIsBadInputNamingIt() {
        try (Checkpoint c = ForwardFixtures.checkpoint("gptneox-tiny")) {
            Map<String, Object> values = new HashMap<>(c.config().values());
            values.put("num_hidden_layers", 3);
            BadInputException e = assertThrows(BadInputException.class, () -> Forwards.detected(
                    new Checkpoint(c.id(), c.directory(), new ModelConfig(values, c.config().source()), c.tensors(),
                            c.tokenizer())));
            assertTrue(e.getMessage().contains("gpt_neox.layers.2."), e.getMessage());
        }
    }

    @Test
    void prefixesAndDefaultsDoNotChangeTheResultWhenTheyAgree() {
        // GPT-NeoX's defaults: dropping keys whose value equals transformers' default changes nothing.
        ForwardFixtures.Reference ref = ForwardFixtures.reference("gptneox-tiny");
        try (Checkpoint c = ForwardFixtures.checkpoint("gptneox-tiny")) {
            Map<String, Object> values = new HashMap<>(c.config().values());
            values.remove("rotary_pct");
            values.remove("rotary_emb_base");
            values.remove("layer_norm_eps");
            values.remove("use_parallel_residual");
            values.remove("hidden_act");
            try (ForwardModel model = Forwards.detected(new Checkpoint(c.id(), c.directory(),
                    new ModelConfig(values, c.config().source()), c.tensors(), c.tokenizer()))) {
                double err = ForwardFixtures.maxAbsError(ref.logits()[2], model.logits(ref.sequences()[2]));
                assertTrue(err <= ForwardReferenceTest.TOLERANCE, "max abs error " + err);
            }
        }
    }
}
