package dev.superscope.backend.torch.forward;

import dev.superscope.plugins.compute.Device;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.backend.torch.TorchEngine;
import dev.superscope.plugins.BadInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** The building blocks against closed forms. */
class LayersTest {
    private static final double EXACT = 1e-12;
    private NDManager m;

    @BeforeEach
    void start() {
        m = TorchEngine.start(Device.CPU, 2).newManager();
    }

    @AfterEach
    void stop() {
        m.close();
    }

    private NDArray of(double[] values, long... shape) {
        return m.create(values, new Shape(shape));
    }

    @Test
    void rotateHalfSwapsHalvesAndNegatesTheSecond() {
        NDArray x = of(new double[] {1, 2, 3, 4}, 1, 1, 4);
        assertArrayEquals(new double[] {-3, -4, 1, 2}, Rotary.rotateHalf(x).toDoubleArray(), EXACT);
    }

    @Test
    void rotaryRotatesPairsIAndIPlusHalfByPositionTimesFrequency() {
        // head size 6, rotary over the first 4 channels with base 100: frequencies 1 and 1/10.
        Rotary rotary = new Rotary(4, 100, 1);
        assertArrayEquals(new double[] {1, 0.1}, rotary.inverseFrequencies(), EXACT);
        int positions = 3;
        double[] values = new double[positions * 6];
        for (int t = 0; t < positions; t++) {
            System.arraycopy(new double[] {1, 2, 3, 4, 5, 6}, 0, values, t * 6, 6);
        }
        NDArray[] cs = rotary.tables(m, positions, DataType.FLOAT64);
        double[] out = rotary.apply(of(values, 1, positions, 6), cs[0], cs[1]).toDoubleArray();
        for (int t = 0; t < positions; t++) {
            double a0 = t * 1.0;
            double a1 = t * 0.1;
            // pairs (x0, x2) at angle a0 and (x1, x3) at angle a1; channels 4, 5 pass through
            double[] expected = {
                1 * Math.cos(a0) - 3 * Math.sin(a0), 2 * Math.cos(a1) - 4 * Math.sin(a1),
                3 * Math.cos(a0) + 1 * Math.sin(a0), 4 * Math.cos(a1) + 2 * Math.sin(a1), 5, 6};
            for (int j = 0; j < 6; j++) {
                assertEquals(expected[j], out[t * 6 + j], EXACT, "position " + t + " channel " + j);
            }
        }
    }

    @Test
    void linearRopeScalingDividesPositions() {
        NDArray[] scaled = new Rotary(2, 10000, 4).tables(m, 5, DataType.FLOAT64);
        assertEquals(Math.cos(4 / 4.0), scaled[0].toDoubleArray()[4 * 2], EXACT);
    }

    @Test
    void rmsNormDividesByRootMeanSquare() {
        double[] y = Layers.rmsNorm(of(new double[] {3, 4}, 1, 2), of(new double[] {1, 2}, 2), 0).toDoubleArray();
        double rms = Math.sqrt(12.5);
        assertArrayEquals(new double[] {3 / rms, 2 * 4 / rms}, y, EXACT);
        double[] eps = Layers.rmsNorm(of(new double[] {3, 4}, 1, 2), null, 0.5).toDoubleArray();
        assertEquals(3 / Math.sqrt(13), eps[0], EXACT);
    }

    @Test
    void layerNormUsesTheBiasedVariance() {
        double[] y = Layers.layerNorm(of(new double[] {1, 2, 3}, 1, 3), of(new double[] {1, 1, 2}, 3),
                of(new double[] {0, 5, 0}, 3), 0).toDoubleArray();
        double s = Math.sqrt(2.0 / 3);
        assertArrayEquals(new double[] {-1 / s, 5, 2 / s}, y, EXACT);
    }

    @Test
    void causalSoftmaxRowsSumToOneAndNeverLookAhead() {
        int t = 5;
        // Values = identity, so the output is the attention matrix itself; queries are random-ish.
        double[] qk = new double[t * 3];
        for (int i = 0; i < qk.length; i++) {
            qk[i] = Math.sin(7.0 * i) * 3;
        }
        double[] eye = new double[t * t];
        for (int i = 0; i < t; i++) {
            eye[i * t + i] = 1;
        }
        NDArray mask = Layers.causalMask(m, t, 0, DataType.FLOAT64);
        double[] p = Layers.attention(of(qk, 1, t, 3), of(qk, 1, t, 3), of(eye, 1, t, t), mask, 0.7).toDoubleArray();
        for (int i = 0; i < t; i++) {
            double sum = 0;
            for (int j = 0; j < t; j++) {
                if (j > i) {
                    assertEquals(0, p[i * t + j], 0, "row " + i + " looks ahead to " + j);
                }
                sum += p[i * t + j];
            }
            assertEquals(1, sum, EXACT, "row " + i);
        }
    }

    @Test
    void zeroQueriesAverageTheVisibleValuesAndTheSlidingWindowLimitsThem() {
        int t = 4;
        double[] values = {1, 10, 100, 1000};
        NDArray q = of(new double[t * 2], 1, t, 2);
        NDArray v = of(values, 1, t, 1);
        double[] full = Layers.attention(q, q, v, Layers.causalMask(m, t, 0, DataType.FLOAT64), 1).toDoubleArray();
        assertArrayEquals(new double[] {1, 5.5, 37, 277.75}, full, EXACT);
        double[] window = Layers.attention(q, q, v, Layers.causalMask(m, t, 2, DataType.FLOAT64), 1).toDoubleArray();
        assertArrayEquals(new double[] {1, 5.5, 55, 550}, window, EXACT);
    }

    @Test
    void groupedQueryHeadsShareConsecutiveKeyValueHeads() {
        int t = 1;
        NDArray q = of(new double[4 * t * 2], 4, t, 2);
        NDArray k = of(new double[2 * t * 2], 2, t, 2);
        NDArray v = of(new double[] {7, 9}, 2, t, 1);
        double[] out = Layers.attention(q, k, v, Layers.causalMask(m, t, 0, DataType.FLOAT64), 1).toDoubleArray();
        assertArrayEquals(new double[] {7, 7, 9, 9}, out, EXACT);
    }

    @Test
    void activationsMatchTheirClosedForms() {
        NDArray x = of(new double[] {1, -2}, 2);
        Path config = Path.of("config.json");
        assertArrayEquals(new double[] {0.8413447460685429, -0.04550026389635842},
                Activations.of("gelu", config).apply(x).toDoubleArray(), EXACT);
        double c = Math.sqrt(2 / Math.PI);
        assertEquals(0.5 * (1 + Math.tanh(c * (1 + 0.044715))),
                Activations.of("gelu_new", config).apply(x).toDoubleArray()[0], EXACT);
        assertArrayEquals(new double[] {1 / (1 + Math.exp(-1)), -2 / (1 + Math.exp(2))},
                Activations.of("silu", config).apply(x).toDoubleArray(), EXACT);
        assertArrayEquals(new double[] {1, 0}, Activations.of("relu", config).apply(x).toDoubleArray(), EXACT);
        BadInputException e = assertThrows(BadInputException.class, () -> Activations.of("mish", config));
        assertEquals(true, e.getMessage().contains("mish"), e.getMessage());
    }
}
