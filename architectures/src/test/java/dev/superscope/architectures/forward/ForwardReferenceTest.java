package dev.superscope.architectures.forward;

import dev.superscope.plugins.architecture.ForwardFactory;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.superscope.architectures.gpt2.Gpt2Forward;
import dev.superscope.architectures.gptneox.GptNeoxForward;
import dev.superscope.architectures.llama.LlamaForward;
import dev.superscope.architectures.opt.OptForward;
import dev.superscope.plugins.Checkpoint;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture's logits against transformers' float64 logits of the shared fixtures
 * ({@code reference_logits.json}: 3 sequences of 16 tokens): within 1e-4 absolute at every position.
 */
class ForwardReferenceTest {
    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> passes() {
        return Stream.of(
                arguments("gpt2", "cerebras-gpt2-tiny", Forwards.FLOAT64, (ForwardFactory) Gpt2Forward::new),
                arguments("gpt-neox", "gptneox-tiny", Forwards.FLOAT64, (ForwardFactory) GptNeoxForward::new),
                arguments("qwen2 with q, k, v biases", "qwen2-tiny", Forwards.FLOAT64,
                        (ForwardFactory) LlamaForward::new),
                arguments("llama in bf16, tied", "smollm2-bf16-tiny", Forwards.FLOAT64,
                        (ForwardFactory) LlamaForward::new),
                arguments("opt", "opt-tiny", Forwards.FLOAT64, (ForwardFactory) OptForward::new),
                // float32 is the choice for big models; on these tiny ones it is still far inside 1e-4.
                arguments("qwen2 in float32", "qwen2-tiny", Forwards.FLOAT32, (ForwardFactory) LlamaForward::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passes")
    void matchesTransformers(String pass, String fixture, ForwardSettings settings, ForwardFactory forward) {
        check(fixture, c -> forward.create(c.config(), c.tensors(), settings));
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
