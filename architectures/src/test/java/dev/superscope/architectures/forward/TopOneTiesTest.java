package dev.superscope.architectures.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.ForwardingTensorStore;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.architecture.ForwardModel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The top-1 prediction that {@code eval} counts comes from the engine's arg-max on the real path
 * ({@link ForwardModel#score}); when two tokens tie for the top logit, the lowest id wins. The tie is
 * made exact by giving two rows of GPT-2's tied head the same values: their logits are the same product.
 */
class TopOneTiesTest {
    private static final String HEAD = "transformer.wte.weight";
    /** Position 0's prediction depends on token 3 alone (causal attention). */
    private static final long[] SEQUENCE = {3, 1, 4, 1, 5, 9, 2, 6};

    @Test
    void tiedTopLogitsGoToTheLowestId() {
        try (Checkpoint c = ForwardFixtures.checkpoint("cerebras-gpt2-tiny")) {
            int top;
            try (ForwardModel model = Forwards.detected(c)) {
                top = model.score(List.of(SEQUENCE)).get(0).argmax()[0];
                double[] logits = model.logits(new long[] {SEQUENCE[0]})[0];
                for (int id = 0; id < logits.length; id++) {
                    assertTrue(logits[id] <= logits[top], "the arg-max is the largest logit");
                }
            }
            int vocab = (int) c.tensors().find(HEAD).orElseThrow().shape()[0];
            for (int copy : new int[] {top - 1, top + 1}) {
                if (copy < 0 || copy >= vocab || copy == SEQUENCE[0]) {
                    continue;
                }
                Checkpoint tied = new Checkpoint(c.id(), c.directory(), c.config(),
                        new RowCopied(c.tensors(), HEAD, top, copy), c.tokenizer());
                try (ForwardModel model = Forwards.detected(tied)) {
                    double[] logits = model.logits(new long[] {SEQUENCE[0]})[0];
                    assertEquals(logits[top], logits[copy], 0.0, "an exact tie");
                    assertEquals(Math.min(top, copy), model.score(List.of(SEQUENCE)).get(0).argmax()[0],
                            "row " + copy + " made equal to the top row " + top);
                }
            }
        }
    }

    /** A store whose 2-D tensor {@code name} has row {@code to} replaced by a copy of row {@code from}. */
    private static final class RowCopied extends ForwardingTensorStore {
        private final String name;
        private final int from;
        private final int to;

        RowCopied(TensorStore inner, String name, int from, int to) {
            super(inner);
            this.name = name;
            this.from = from;
            this.to = to;
        }

        @Override
        public Matrix matrix(String n) {
            if (!n.equals(name)) {
                return super.matrix(n);
            }
            Matrix original = super.matrix(n);
            int rows = (int) original.rows();
            int cols = original.cols();
            float[] values = original.rowsAsFloats(0, rows);
            System.arraycopy(values, from * cols, values, to * cols, cols);
            return Matrices.ofFloats(n, rows, cols, values);
        }

        @Override
        public Matrix view(String n) {
            return n.equals(name) ? matrix(n) : super.view(n);
        }
    }
}
