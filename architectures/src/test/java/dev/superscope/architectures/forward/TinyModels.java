package dev.superscope.architectures.forward;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import dev.superscope.testing.SeededWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tiny models built from seeded random weights, and an independent plain-Java decoder over double arrays
 * to check the engine's forward passes against: every formula here is written out from transformers'
 * Python (see each method), with no engine call, so the two implementations share nothing but the weights.
 */
final class TinyModels {
    private TinyModels() {
    }

    /** An in-memory checkpoint: weights are made on request, kept as float32, and read back as doubles. */
    static final class Store implements TensorStore {
        private final Map<String, float[]> values = new LinkedHashMap<>();
        private final Map<String, long[]> shapes = new LinkedHashMap<>();
        private final SeededWeights weights;

        Store(long seed) {
            weights = new SeededWeights(seed);
        }

        /** A fresh {@code [rows, cols]} weight, N(0, scale^2), as the reference sees it. */
        double[][] matrix(String name, int rows, int cols, double scale) {
            float[] v = weights.draw(rows * cols, 0, scale);
            values.put(name, v);
            shapes.put(name, new long[] {rows, cols});
            return SeededWeights.rows(v, rows, cols);
        }

        /** A fresh vector {@code offset + N(0, scale^2)}. */
        double[] vector(String name, int n, double offset, double scale) {
            float[] v = weights.draw(n, offset, scale);
            values.put(name, v);
            shapes.put(name, new long[] {n});
            return SeededWeights.doubles(v);
        }

        @Override
        public List<TensorInfo> tensors() {
            List<TensorInfo> out = new ArrayList<>();
            shapes.keySet().forEach(n -> out.add(find(n).orElseThrow()));
            return out;
        }

        @Override
        public Optional<TensorInfo> find(String name) {
            long[] s = shapes.get(name);
            return s == null ? Optional.empty() : Optional.of(new TensorInfo(name, DType.F32, s, "memory"));
        }

        @Override
        public Matrix matrix(String name) {
            return view(name);
        }

        @Override
        public Matrix view(String name) {
            long[] s = shapes.get(name);
            if (s == null) {
                throw new BadInputException(null, "memory: no tensor " + name);
            }
            int rows = s.length == 1 ? 1 : (int) s[0];
            int cols = s.length == 1 ? (int) s[0] : (int) s[1];
            return Matrices.ofFloats(name, rows, cols, values.get(name));
        }

        @Override
        public String describe() {
            return "memory";
        }

        @Override
        public void close() {
        }
    }

    static ModelConfig config(Map<String, Object> values) {
        return new ModelConfig(new LinkedHashMap<>(values), Path.of("config.json"));
    }

    /** Rows {@code ids} of {@code table}. */
    static double[][] embed(double[][] table, long[] ids) {
        double[][] out = new double[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            out[t] = table[(int) ids[t]].clone();
        }
        return out;
    }

    /** {@code nn.Linear}: {@code x W^T + b}, W {@code [out, in]}, b may be null. */
    static double[][] linear(double[][] x, double[][] w, double[] b) {
        double[][] y = new double[x.length][w.length];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < w.length; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < w[o].length; i++) {
                    s += x[t][i] * w[o][i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                y[t][i] = a[t][i] + b[t][i];
            }
        }
        return y;
    }

    /** {@code nn.LayerNorm}: biased variance; w and b may be null (no elementwise affine). */
    static double[][] layerNorm(double[][] x, double[] w, double[] b, double eps) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            int n = x[t].length;
            double mean = 0;
            for (double v : x[t]) {
                mean += v / n;
            }
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean) / n;
            }
            for (int i = 0; i < n; i++) {
                double z = (x[t][i] - mean) / Math.sqrt(var + eps);
                y[t][i] = z * (w == null ? 1 : w[i]) + (b == null ? 0 : b[i]);
            }
        }
        return y;
    }

    /** RMSNorm: {@code w * x / sqrt(mean(x^2) + eps)}. */
    static double[][] rmsNorm(double[][] x, double[] w, double eps) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (double v : x[t]) {
                ms += v * v / x[t].length;
            }
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = w[i] * x[t][i] / Math.sqrt(ms + eps);
            }
        }
        return y;
    }

    /** transformers' ACT2FN for the names the tiny models use; "gelu" is the exact erf form. */
    static double[][] activation(String name, double[][] x) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                double v = x[t][i];
                switch (name) {
                    case "relu":
                        y[t][i] = Math.max(0, v);
                        break;
                    case "gelu":
                        y[t][i] = 0.5 * v * (1 + erf(v / Math.sqrt(2)));
                        break;
                    case "silu":
                        y[t][i] = v / (1 + Math.exp(-v));
                        break;
                    default:
                        throw new IllegalArgumentException(name);
                }
            }
        }
        return y;
    }

    /** erf by its Maclaurin series, to round-off for the |x| < 3 the tiny models produce. */
    static double erf(double x) {
        if (Math.abs(x) > 3) {
            throw new IllegalArgumentException("erf series used outside its range: " + x);
        }
        double term = x;
        double sum = x;
        for (int n = 1; n < 80; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /**
     * Rotary in the {@code rotate_half} layout on the first {@code dims} channels of each of {@code heads}
     * heads of size {@code headDim}, in place: channel i pairs with i + dims/2 at angle
     * {@code (t / positionScale) * base^(-2i/dims)}.
     */
    static void rope(double[][] x, int heads, int headDim, int dims, double base, double positionScale) {
        int half = dims / 2;
        for (int t = 0; t < x.length; t++) {
            for (int h = 0; h < heads; h++) {
                int c = h * headDim;
                for (int i = 0; i < half; i++) {
                    double angle = (t / positionScale) * Math.pow(base, -2.0 * i / dims);
                    double a = x[t][c + i];
                    double b = x[t][c + i + half];
                    x[t][c + i] = a * Math.cos(angle) - b * Math.sin(angle);
                    x[t][c + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
                }
            }
        }
    }

    /**
     * Causal softmax attention, {@code [T, heads * d]} queries over {@code [T, kvHeads * d]} keys and values;
     * query head h reads key/value head {@code h / (heads / kvHeads)} (repeat_kv); query i sees key j when
     * {@code j <= i} and, with a window, {@code j > i - window} (masking_utils' sliding_window_overlay).
     */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, int d,
                                double scale, int window) {
        int len = q.length;
        double[][] out = new double[len][heads * d];
        for (int h = 0; h < heads; h++) {
            int g = h / (heads / kvHeads);
            for (int i = 0; i < len; i++) {
                double[] score = new double[len];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    if (window > 0 && !(j > i - window)) {
                        score[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += q[i][h * d + c] * k[j][g * d + c];
                    }
                    score[j] = s * scale;
                    max = Math.max(max, score[j]);
                }
                double total = 0;
                for (int j = 0; j <= i; j++) {
                    score[j] = Math.exp(score[j] - max);
                    total += score[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) {
                        out[i][h * d + c] += score[j] / total * v[j][g * d + c];
                    }
                }
            }
        }
        return out;
    }

    /** Largest absolute difference. */
    static double maxDiff(double[][] a, double[][] b) {
        double worst = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                double d = Math.abs(a[t][i] - b[t][i]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
        }
        return worst;
    }
}
