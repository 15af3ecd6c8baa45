package dev.superscope.testing;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TokenizerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/** Small synthetic matrices and checkpoints, and the reference statistics the fixture tests compare. */
public final class TestModels {
    private TestModels() {
    }

    /** A rows x cols float32 matrix of seeded Gaussian values. */
    public static Matrix gaussian(String name, int rows, int cols, long seed) {
        return Matrices.ofFloats(name, rows, cols, gaussianValues(rows * cols, seed));
    }

    public static float[] gaussianValues(int count, long seed) {
        Random random = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /**
     * Writes {@code file}: a float32 safetensors file holding one {@code rows x cols} tensor {@code name}
     * of seeded Gaussian values ({@link #gaussianValues}).
     */
    public static void writeGaussian(Path file, String name, int rows, int cols, long seed) throws IOException {
        new SafetensorsFile().add(name, new long[] {rows, cols}, gaussianValues(rows * cols, seed)).write(file);
    }

    /** A checkpoint over in-memory matrices, with {@code config} as its config.json contents. */
    public static Checkpoint inMemory(Map<String, Object> config, OptionalInt tokenizerVocab, Matrix... matrices) {
        TokenizerInfo tokenizer = new TokenizerInfo(tokenizerVocab, Optional.empty(), Optional.empty(),
                Optional.empty());
        return new Checkpoint("synthetic", Path.of("synthetic"), new ModelConfig(config,
                Path.of("synthetic", "config.json")), new MemoryTensorStore(matrices), tokenizer);
    }

    /** Mean of the rows' L2 norms, accumulated in double from float32 rows. */
    public static double meanRowNorm(Matrix m) {
        double sum = 0;
        for (double r : rowNorms(m)) {
            sum += r;
        }
        return sum / m.rows();
    }

    /** Population standard deviation of the rows' L2 norms. */
    public static double stdRowNorm(Matrix m) {
        double mean = meanRowNorm(m);
        double sq = 0;
        for (double r : rowNorms(m)) {
            sq += (r - mean) * (r - mean);
        }
        return Math.sqrt(sq / m.rows());
    }

    private static double[] rowNorms(Matrix m) {
        double[] norms = new double[Math.toIntExact(m.rows())];
        int block = 1024;
        for (long first = 0; first < m.rows(); first += block) {
            int count = (int) Math.min(block, m.rows() - first);
            float[] rows = m.rowsAsFloats(first, count);
            for (int r = 0; r < count; r++) {
                double s = 0;
                for (int c = 0; c < m.cols(); c++) {
                    double x = rows[r * m.cols() + c];
                    s += x * x;
                }
                norms[(int) first + r] = Math.sqrt(s);
            }
        }
        return norms;
    }
}
