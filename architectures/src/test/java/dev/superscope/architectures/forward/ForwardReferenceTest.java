package dev.superscope.architectures.forward;

import dev.superscope.plugins.architecture.ForwardModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.architectures.gpt2.Gpt2Forward;
import dev.superscope.architectures.gptneox.GptNeoxForward;
import dev.superscope.architectures.llama.LlamaForward;
import dev.superscope.architectures.opt.OptForward;
import dev.superscope.plugins.Checkpoint;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

/**
 * Every architecture's logits against transformers' float64 logits of the shared fixtures
 * ({@code reference_logits.json}: 3 sequences of 16 tokens): within 1e-4 absolute at every position.
 */
class ForwardReferenceTest {
    static final double TOLERANCE = 1e-4;

    @Test
    void gpt2MatchesTransformers() {
        check("cerebras-gpt2-tiny", c -> new Gpt2Forward(c.config(), c.tensors(), Forwards.FLOAT64));
    }

    @Test
    void gptNeoxMatchesTransformers() {
        check("gptneox-tiny", c -> new GptNeoxForward(c.config(), c.tensors(), Forwards.FLOAT64));
    }

    @Test
    void qwen2WithQkvBiasesMatchesTransformers() {
        check("qwen2-tiny", c -> new LlamaForward(c.config(), c.tensors(), Forwards.FLOAT64));
    }

    @Test
    void llamaInBf16TiedMatchesTransformers() {
        check("smollm2-bf16-tiny", c -> new LlamaForward(c.config(), c.tensors(), Forwards.FLOAT64));
    }

    @Test
    void optMatchesTransformers() {
        check("opt-tiny", c -> new OptForward(c.config(), c.tensors(), Forwards.FLOAT64));
    }

    @Test
    void float32StaysCloseToo() {
        // float32 is the choice for big models; on these tiny ones it is still far inside 1e-4.
        check("qwen2-tiny", c -> new LlamaForward(c.config(), c.tensors(), Forwards.FLOAT32));
    }

    static double check(String fixture, Function<Checkpoint, ForwardModel> build) {
        ForwardFixtures.Reference ref = ForwardFixtures.reference(fixture);
        double worst = 0;
        try (Checkpoint c = ForwardFixtures.checkpoint(fixture); ForwardModel model = build.apply(c)) {
            for (int s = 0; s < ref.sequences().length; s++) {
                double[][] logits = model.logits(ref.sequences()[s]);
                assertEquals(ref.logits()[s].length, logits.length);
                double err = ForwardFixtures.maxAbsError(ref.logits()[s], logits);
                assertTrue(err <= TOLERANCE, fixture + " sequence " + s + ": max abs error " + err);
                worst = Math.max(worst, err);
            }
        }
        System.out.printf("%s: max abs error %.3g%n", fixture, worst);
        return worst;
    }
}
