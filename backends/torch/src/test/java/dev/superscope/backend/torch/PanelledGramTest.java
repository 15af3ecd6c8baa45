package dev.superscope.backend.torch;

import dev.superscope.plugins.compute.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The upper-triangle Gram against a float64 brute force, for one to ten column panels. */
class PanelledGramTest {

    @ParameterizedTest
    @CsvSource({"40, 1", "191, 1", "192, 2", "300, 3", "97, 1", "770, 8", "1000, 10"})
    void frobeniusAndQuadraticFormsMatchBruteForce(int m, int panels) {
        int k = 150;
        SplittableRandom random = new SplittableRandom(m);
        float[][] blocks = new float[3][];
        double[][] g = new double[m][m];
        for (int b = 0; b < blocks.length; b++) {
            int rows = b == 2 ? 7 : k; // an uneven last block
            float[] x = new float[rows * m];
            for (int e = 0; e < x.length; e++) {
                x[e] = (float) (random.nextDouble() - 0.3);
            }
            blocks[b] = x;
            for (int i = 0; i < rows; i++) {
                for (int p = 0; p < m; p++) {
                    double a = x[i * m + p];
                    for (int q = 0; q < m; q++) {
                        g[p][q] += a * x[i * m + q];
                    }
                }
            }
        }
        double fp = 0;
        for (double[] row : g) {
            for (double v : row) {
                fp += v * v;
            }
        }
        try (NDManager manager = TorchEngine.start(Device.CPU, 2).newManager(); PanelledGram gram = new PanelledGram(manager, m)) {
            assertEquals(panels, gram.panels());
            for (float[] x : blocks) {
                try (NDArray a = manager.create(x).reshape(x.length / m, m)) {
                    gram.add(a);
                }
            }
            assertEquals(fp, gram.frobeniusSquared(), 1e-5 * fp);
            float[] x = blocks[2];
            float[] forms;
            try (NDArray a = manager.create(x).reshape(x.length / m, m)) {
                forms = gram.quadraticForms(a);
            }
            assertEquals(x.length / m, forms.length);
            for (int i = 0; i < forms.length; i++) {
                double want = 0;
                for (int p = 0; p < m; p++) {
                    double gx = 0;
                    for (int q = 0; q < m; q++) {
                        gx += g[p][q] * x[i * m + q];
                    }
                    want += x[i * m + p] * gx;
                }
                assertEquals(want, forms[i], 1e-4 * Math.abs(want), "u^T G u of row " + i);
            }
        }
    }
}
