package dev.superscope.analyzers.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.SuperscopeException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The factory's choice, and the errors a user can meet. */
class ForwardModelsTest {

    private static LoadedModel loaded(Checkpoint c, String loader) {
        var head = c.tensors().matrix(c.tensors().tensors().get(0).name());
        return new LoadedModel(c, loader, c.config().architecture(), head, head, false, 8, OptionalInt.empty(), List.of());
    }

    @Test
    void picksTheArchitectureByLoaderName() {
        FixtureModels.Reference ref = FixtureModels.reference("qwen2-tiny");
        try (Checkpoint c = FixtureModels.checkpoint("qwen2-tiny");
             ForwardModel model = ForwardModels.forModel(loaded(c, "llama"), Precision.FLOAT64)) {
            assertEquals("qwen2", model.architecture());
            assertEquals(12, model.vocabSize());
            double err = FixtureModels.maxAbsError(ref.logits()[1], model.logits(ref.sequences()[1]));
            assertTrue(err <= ForwardReferenceTest.TOLERANCE, "max abs error " + err);
        }
    }

    @Test
    void anUnsupportedArchitectureIsBadInputNamingTheSupportedOnes() {
        try (Checkpoint c = FixtureModels.checkpoint("opt-tiny")) {
            Map<String, Object> values = new HashMap<>(c.config().values());
            values.put("model_type", "bloom");
            values.put("architectures", List.of("BloomForCausalLM"));
            Checkpoint bloom = new Checkpoint(c.id(), c.directory(), new ModelConfig(values, c.config().source()),
                    c.tensors(), c.tokenizer());
            BadInputException e = assertThrows(BadInputException.class,
                    () -> ForwardModels.forModel(loaded(bloom, "bloom"), Precision.FLOAT64));
            assertTrue(e.getMessage().contains("BloomForCausalLM") && e.getMessage().contains("gpt_neox, llama"),
                    e.getMessage());
            assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        }
    }

    @Test
    void idsOutsideTheVocabularyOrThePositionTableAreUsageErrors() {
        try (Checkpoint c = FixtureModels.checkpoint("cerebras-gpt2-tiny");
             ForwardModel model = ForwardModels.forCheckpoint(c, Precision.FLOAT64)) {
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
        try (Checkpoint c = FixtureModels.checkpoint("gptneox-tiny")) {
            Map<String, Object> values = new HashMap<>(c.config().values());
            values.put("num_hidden_layers", 3);
            BadInputException e = assertThrows(BadInputException.class, () -> ForwardModels.forCheckpoint(
                    new Checkpoint(c.id(), c.directory(), new ModelConfig(values, c.config().source()), c.tensors(),
                            c.tokenizer()), Precision.FLOAT64));
            assertTrue(e.getMessage().contains("gpt_neox.layers.2."), e.getMessage());
        }
    }

    @Test
    void prefixesAndDefaultsDoNotChangeTheResultWhenTheyAgree() {
        // GPT-NeoX's defaults: dropping keys whose value equals transformers' default changes nothing.
        FixtureModels.Reference ref = FixtureModels.reference("gptneox-tiny");
        try (Checkpoint c = FixtureModels.checkpoint("gptneox-tiny")) {
            Map<String, Object> values = new HashMap<>(c.config().values());
            values.remove("rotary_pct");
            values.remove("rotary_emb_base");
            values.remove("layer_norm_eps");
            values.remove("use_parallel_residual");
            values.remove("hidden_act");
            try (ForwardModel model = ForwardModels.forCheckpoint(new Checkpoint(c.id(), c.directory(),
                    new ModelConfig(values, c.config().source()), c.tensors(), c.tokenizer()), Precision.FLOAT64)) {
                double err = FixtureModels.maxAbsError(ref.logits()[2], model.logits(ref.sequences()[2]));
                assertTrue(err <= ForwardReferenceTest.TOLERANCE, "max abs error " + err);
            }
        }
    }
}
