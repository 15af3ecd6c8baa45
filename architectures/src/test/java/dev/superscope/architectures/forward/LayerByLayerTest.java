package dev.superscope.architectures.forward;

import dev.superscope.plugins.ForwardingTensorStore;
import dev.superscope.backend.torch.forward.DecoderForward;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.TokenScores;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layer-by-layer pass on every shared fixture: while a batch of windows runs, the engine never holds
 * tensors of two layers at once nor more than one layer's worth, nothing of a layer stays after the pass,
 * and the batched scores equal the log-softmax and arg-max of each window's own logits (float64, 1e-9).
 */
class LayerByLayerTest {
    /** A layer's tensors: {@code ...h.<i>.} (GPT-2) or {@code ...layers.<i>.} (the rest). */
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(?:h|layers)\\.(\\d+)\\.");

    @ParameterizedTest
    @ValueSource(strings = {"cerebras-gpt2-tiny", "gptneox-tiny", "qwen2-tiny", "opt-tiny", "smollm2-bf16-tiny"})
    void aBatchHoldsOneLayerAtATimeAndScoresAsTheLogitsDo(String fixture) {
        ForwardFixtures.Reference ref = ForwardFixtures.reference(fixture);
        try (Checkpoint c = ForwardFixtures.checkpoint(fixture)) {
            int perLayer = (int) c.tensors().tensors().stream().filter(t -> layerOf(t.name()) == 0).count();
            assertTrue(perLayer > 0, fixture + ": no layer-0 tensors found");
            AtomicReference<DecoderForward> watched = new AtomicReference<>();
            List<Set<String>> residentAtReads = new ArrayList<>();
            TensorStore counting = new Watching(c.tensors(), name -> {
                DecoderForward m = watched.get();
                if (m != null) {
                    Set<String> resident = new TreeSet<>(layerTensors(m.residentWeights()));
                    resident.add(name);
                    residentAtReads.add(layerTensors(resident));
                }
            });
            Checkpoint wrapped = new Checkpoint(c.id(), c.directory(), c.config(), counting, c.tokenizer());
            try (ForwardModel model = Forwards.detected(wrapped)) {
                watched.set((DecoderForward) model);
                assertTrue(layerTensors(watched.get().residentWeights()).isEmpty(),
                        fixture + ": the constructor kept layer tensors");
                // Three reference windows and a shorter one, in one batch.
                List<long[]> windows = new ArrayList<>(Arrays.asList(ref.sequences()));
                windows.add(Arrays.copyOf(ref.sequences()[0], 9));
                List<TokenScores> scores = model.score(windows);

                int peak = residentAtReads.stream().mapToInt(Set::size).max().orElse(0);
                assertEquals(perLayer, peak, fixture + ": most layer tensors held at once");
                for (Set<String> held : residentAtReads) {
                    assertEquals(1, held.stream().map(LayerByLayerTest::layerOf).distinct().count(),
                            fixture + ": tensors of two layers held at once: " + held);
                }
                assertTrue(layerTensors(watched.get().residentWeights()).isEmpty(),
                        fixture + ": layer tensors left after the pass");
                int layers = (int) c.tensors().tensors().stream().map(t -> layerOf(t.name()))
                        .filter(i -> i >= 0).distinct().count();
                assertEquals((long) layers * perLayer, residentAtReads.size(),
                        fixture + ": each layer tensor read exactly once for the whole batch");

                assertEquals(windows.size(), scores.size());
                watched.set(null);
                for (int w = 0; w < windows.size(); w++) {
                    long[] seq = windows.get(w);
                    double[][] logits = model.logits(Arrays.copyOf(seq, seq.length - 1));
                    TokenScores s = scores.get(w);
                    assertEquals(seq.length - 1, s.length());
                    for (int p = 0; p < logits.length; p++) {
                        double[] row = logits[p];
                        int best = 0;
                        double max = row[0];
                        for (int v = 1; v < row.length; v++) {
                            if (row[v] > max) {
                                max = row[v];
                                best = v;
                            }
                        }
                        double sum = 0;
                        for (double v : row) {
                            sum += Math.exp(v - max);
                        }
                        double logProb = row[(int) seq[p + 1]] - max - Math.log(sum);
                        assertEquals(logProb, s.logProb()[p], 1e-9, fixture + " window " + w + " position " + p);
                        assertEquals(best, s.argmax()[p], fixture + " window " + w + " position " + p);
                    }
                }
                // The batched logits still match transformers' (the reference windows are the first three).
                for (int w = 0; w < ref.sequences().length; w++) {
                    double err = ForwardFixtures.maxAbsError(ref.logits()[w], model.logits(ref.sequences()[w]));
                    assertTrue(err <= ForwardReferenceTest.TOLERANCE, fixture + ": max abs error " + err);
                }
                long vocab = model.vocabSize();
                SuperscopeException e = assertThrows(SuperscopeException.class,
                        () -> model.score(List.of(new long[] {1, vocab})));
                assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
                assertThrows(SuperscopeException.class, () -> model.score(List.of(new long[] {1})));
            }
        }
    }

    private static int layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Set<String> layerTensors(Set<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            if (layerOf(n) >= 0) {
                out.add(n);
            }
        }
        return out;
    }

    /** A store that tells {@code onRead} the name of every tensor about to be read. */
    private static final class Watching extends ForwardingTensorStore {
        private final java.util.function.Consumer<String> onRead;

        Watching(TensorStore inner, java.util.function.Consumer<String> onRead) {
            super(inner);
            this.onRead = onRead;
        }

        @Override
        public Matrix matrix(String name) {
            onRead.accept(name);
            return super.matrix(name);
        }

        @Override
        public Matrix view(String name) {
            onRead.accept(name);
            return super.view(name);
        }
    }
}
