package dev.superscope.architectures.forward;

import dev.superscope.plugins.compute.Device;
import dev.superscope.backend.torch.TorchEngine;
import dev.superscope.backend.torch.forward.ConfigValues;
import dev.superscope.backend.torch.forward.Layers;

import static dev.superscope.architectures.forward.TinyModels.activation;
import static dev.superscope.architectures.forward.TinyModels.add;
import static dev.superscope.architectures.forward.TinyModels.attention;
import static dev.superscope.architectures.forward.TinyModels.embed;
import static dev.superscope.architectures.forward.TinyModels.layerNorm;
import static dev.superscope.architectures.forward.TinyModels.linear;
import static dev.superscope.architectures.forward.TinyModels.maxDiff;
import static dev.superscope.architectures.forward.TinyModels.rmsNorm;
import static dev.superscope.architectures.forward.TinyModels.rope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.superscope.backend.torch.TorchEngine;
import dev.superscope.architectures.gptneox.GptNeoxForward;
import dev.superscope.architectures.llama.LlamaForward;
import dev.superscope.architectures.opt.OptForward;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations no shared fixture covers, each against an independent double-precision
 * implementation of transformers' code ({@link TinyModels}) on seeded random weights: GPT-NeoX's
 * sequential residual, OPT's post-layer-norm with project_in/out, Mistral's and Qwen2's sliding windows at
 * the exact boundary, and config defaults that differ between the llama-family config classes.
 */
class ArchitectureVariantsTest {
    private static final double CLOSE = 1e-9;
    private static final long[] IDS = {3, 1, 4, 1, 5, 9, 2};
    private static final int VOCAB = 11;

    // ---------------------------------------------------------------- GPT-NeoX

    /** modeling_gpt_neox.GPTNeoXLayer.forward, both residual forms; defaults rotary_emb_base, eps, gelu. */
    private static double[][] neoxReference(TinyModels.Store s, boolean parallel, int width, int heads, int inner,
                                            int layers, int rotaryDims) {
        int d = width / heads;
        double eps = 1e-5;
        double[][] h = embed(s.matrix("gpt_neox.embed_in.weight", VOCAB, width, 1), IDS);
        for (int l = 0; l < layers; l++) {
            String b = "gpt_neox.layers." + l + ".";
            double[] ln1w = s.vector(b + "input_layernorm.weight", width, 1, 0.1);
            double[] ln1b = s.vector(b + "input_layernorm.bias", width, 0, 0.1);
            double[][] qkvW = s.matrix(b + "attention.query_key_value.weight", 3 * width, width, 0.4);
            double[] qkvB = s.vector(b + "attention.query_key_value.bias", 3 * width, 0, 0.1);
            double[][] dW = s.matrix(b + "attention.dense.weight", width, width, 0.3);
            double[] dB = s.vector(b + "attention.dense.bias", width, 0, 0.1);
            double[] ln2w = s.vector(b + "post_attention_layernorm.weight", width, 1, 0.1);
            double[] ln2b = s.vector(b + "post_attention_layernorm.bias", width, 0, 0.1);
            double[][] upW = s.matrix(b + "mlp.dense_h_to_4h.weight", inner, width, 0.3);
            double[] upB = s.vector(b + "mlp.dense_h_to_4h.bias", inner, 0, 0.1);
            double[][] downW = s.matrix(b + "mlp.dense_4h_to_h.weight", width, inner, 0.3);
            double[] downB = s.vector(b + "mlp.dense_4h_to_h.bias", width, 0, 0.1);

            double[][] qkv = linear(layerNorm(h, ln1w, ln1b, eps), qkvW, qkvB);
            // view(T, heads, 3 * d) then chunk(3): head n's q, k, v are consecutive blocks of d
            double[][] q = new double[IDS.length][width];
            double[][] k = new double[IDS.length][width];
            double[][] v = new double[IDS.length][width];
            for (int t = 0; t < IDS.length; t++) {
                for (int n = 0; n < heads; n++) {
                    for (int c = 0; c < d; c++) {
                        q[t][n * d + c] = qkv[t][n * 3 * d + c];
                        k[t][n * d + c] = qkv[t][n * 3 * d + d + c];
                        v[t][n * d + c] = qkv[t][n * 3 * d + 2 * d + c];
                    }
                }
            }
            rope(q, heads, d, rotaryDims, 10000, 1);
            rope(k, heads, d, rotaryDims, 10000, 1);
            double[][] attn = linear(attention(q, k, v, heads, heads, d, 1 / Math.sqrt(d), 0), dW, dB);
            if (parallel) {
                double[][] mlp = linear(activation("gelu", linear(layerNorm(h, ln2w, ln2b, eps), upW, upB)), downW, downB);
                h = add(add(mlp, attn), h);
            } else {
                double[][] a = add(attn, h);
                double[][] mlp = linear(activation("gelu", linear(layerNorm(a, ln2w, ln2b, eps), upW, upB)), downW, downB);
                h = add(mlp, a);
            }
        }
        double[] fw = s.vector("gpt_neox.final_layer_norm.weight", width, 1, 0.1);
        double[] fb = s.vector("gpt_neox.final_layer_norm.bias", width, 0, 0.1);
        return linear(layerNorm(h, fw, fb, eps), s.matrix("embed_out.weight", VOCAB, width, 0.5), null);
    }

    private static double[][] neox(boolean parallel, Boolean flag) {
        TinyModels.Store s = new TinyModels.Store(17);
        double[][] expected = neoxReference(s, parallel, 8, 2, 12, 2, 2);
        Map<String, Object> c = new HashMap<>(Map.of("model_type", "gpt_neox", "hidden_size", 8,
                "num_attention_heads", 2, "num_hidden_layers", 2, "intermediate_size", 12, "rotary_pct", 0.5));
        if (flag != null) {
            c.put("use_parallel_residual", flag);
        }
        try (GptNeoxForward model = new GptNeoxForward(TinyModels.config(c), s, Forwards.FLOAT64)) {
            double[][] actual = model.logits(IDS);
            assertTrue(maxDiff(expected, actual) < CLOSE, "gpt_neox parallel=" + parallel + ": "
                    + maxDiff(expected, actual));
            return actual;
        }
    }

    @Test
    void gptNeoxSequentialResidualFeedsTheAttentionSumIntoTheMlp() {
        double[][] sequential = neox(false, false);
        double[][] parallel = neox(true, true);
        // The same weights give clearly different logits, so the flag is honoured, not ignored.
        assertTrue(maxDiff(sequential, parallel) > 1e-3, "residual form made no difference");
    }

    @Test
    void gptNeoxResidualIsParallelWhenTheKeyIsMissing() {
        neox(true, null);
    }

    // ---------------------------------------------------------------- OPT

    /** modeling_opt: OPTDecoder.forward and OPTDecoderLayer.forward; relu and eps 1e-5 by default. */
    private static double[][] optReference(TinyModels.Store s, boolean before, int width, int proj, int heads,
                                           int ffn, int layers, int maxPositions) {
        String p = "model.decoder.";
        int d = width / heads;
        double eps = 1e-5;
        double[][] tokens = s.matrix(p + "embed_tokens.weight", VOCAB, proj, 1);
        double[][] positions = s.matrix(p + "embed_positions.weight", maxPositions + 2, width, 0.5);
        double[][] in = s.matrix(p + "project_in.weight", width, proj, 0.5);
        double[][] out = s.matrix(p + "project_out.weight", proj, width, 0.5);
        long[] pos = new long[IDS.length];
        for (int t = 0; t < pos.length; t++) {
            pos[t] = t + 2; // cumsum(mask) * mask - 1, plus OPT's offset 2
        }
        double[][] h = add(linear(embed(tokens, IDS), in, null), embed(positions, pos));
        for (int l = 0; l < layers; l++) {
            String b = p + "layers." + l + ".";
            String a = b + "self_attn.";
            double[] ln1w = s.vector(b + "self_attn_layer_norm.weight", width, 1, 0.1);
            double[] ln1b = s.vector(b + "self_attn_layer_norm.bias", width, 0, 0.1);
            double[][] qW = s.matrix(a + "q_proj.weight", width, width, 0.4);
            double[] qB = s.vector(a + "q_proj.bias", width, 0, 0.1);
            double[][] kW = s.matrix(a + "k_proj.weight", width, width, 0.4);
            double[] kB = s.vector(a + "k_proj.bias", width, 0, 0.1);
            double[][] vW = s.matrix(a + "v_proj.weight", width, width, 0.4);
            double[] vB = s.vector(a + "v_proj.bias", width, 0, 0.1);
            double[][] oW = s.matrix(a + "out_proj.weight", width, width, 0.3);
            double[] oB = s.vector(a + "out_proj.bias", width, 0, 0.1);
            double[] ln2w = s.vector(b + "final_layer_norm.weight", width, 1, 0.1);
            double[] ln2b = s.vector(b + "final_layer_norm.bias", width, 0, 0.1);
            double[][] f1W = s.matrix(b + "fc1.weight", ffn, width, 0.3);
            double[] f1B = s.vector(b + "fc1.bias", ffn, 0, 0.1);
            double[][] f2W = s.matrix(b + "fc2.weight", width, ffn, 0.3);
            double[] f2B = s.vector(b + "fc2.bias", width, 0, 0.1);

            double[][] residual = h;
            double[][] x = before ? layerNorm(h, ln1w, ln1b, eps) : h;
            // q_proj(x) * head_dim^-0.5, attention itself unscaled
            double[][] q = linear(x, qW, qB);
            for (double[] row : q) {
                for (int i = 0; i < row.length; i++) {
                    row[i] *= Math.pow(d, -0.5);
                }
            }
            double[][] att = attention(q, linear(x, kW, kB), linear(x, vW, vB), heads, heads, d, 1.0, 0);
            h = add(residual, linear(att, oW, oB));
            if (!before) {
                h = layerNorm(h, ln1w, ln1b, eps);
            }
            residual = h;
            x = before ? layerNorm(h, ln2w, ln2b, eps) : h;
            h = add(residual, linear(activation("relu", linear(x, f1W, f1B)), f2W, f2B));
            if (!before) {
                h = layerNorm(h, ln2w, ln2b, eps);
            }
        }
        if (before) {
            h = layerNorm(h, s.vector(p + "final_layer_norm.weight", width, 1, 0.1),
                    s.vector(p + "final_layer_norm.bias", width, 0, 0.1), eps);
        }
        h = linear(h, out, null);
        return linear(h, tokens, null); // lm_head tied to embed_tokens [vocab, word_embed_proj_dim]
    }

    private static void opt(boolean before) {
        TinyModels.Store s = new TinyModels.Store(before ? 5 : 6);
        double[][] expected = optReference(s, before, 8, 6, 2, 10, 2, 9);
        Map<String, Object> c = new HashMap<>(Map.of("model_type", "opt", "hidden_size", 8,
                "word_embed_proj_dim", 6, "num_attention_heads", 2, "num_hidden_layers", 2, "ffn_dim", 10,
                "max_position_embeddings", 9));
        if (!before) {
            c.put("do_layer_norm_before", false);
        }
        try (OptForward model = new OptForward(TinyModels.config(c), s, Forwards.FLOAT64)) {
            assertEquals(9, model.maxPositions());
            double[][] actual = model.logits(IDS);
            assertTrue(maxDiff(expected, actual) < CLOSE, "opt before=" + before + ": " + maxDiff(expected, actual));
        }
    }

    @Test
    void optPostLayerNormWithProjectionsHasNoFinalNorm() {
        // No decoder final_layer_norm tensor exists in this store: reading one would fail the test.
        opt(false);
    }

    @Test
    void optPreLayerNormWithProjectionsIsTheDefault() {
        opt(true);
    }

    // ---------------------------------------------------------------- Llama family

    /**
     * modeling_llama / modeling_mistral / modeling_qwen2 decoder layers, with per-layer windows; Qwen2 adds
     * q/k/v biases. Heads of size {@code d}, {@code kv} key/value heads.
     */
    private static double[][] llamaReference(TinyModels.Store s, boolean qkvBias, int width, int heads, int kv, int d,
                                             int inner, int[] windows, double base, double positionScale, long[] ids) {
        double eps = 1e-6;
        double[][] table = s.matrix("model.embed_tokens.weight", VOCAB, width, 1);
        double[][] h = embed(table, ids);
        for (int l = 0; l < windows.length; l++) {
            String b = "model.layers." + l + ".";
            String a = b + "self_attn.";
            double[] n1 = s.vector(b + "input_layernorm.weight", width, 1, 0.1);
            double[][] qW = s.matrix(a + "q_proj.weight", heads * d, width, 0.5);
            double[] qB = qkvBias ? s.vector(a + "q_proj.bias", heads * d, 0, 0.2) : null;
            double[][] kW = s.matrix(a + "k_proj.weight", kv * d, width, 0.5);
            double[] kB = qkvBias ? s.vector(a + "k_proj.bias", kv * d, 0, 0.2) : null;
            double[][] vW = s.matrix(a + "v_proj.weight", kv * d, width, 0.5);
            double[] vB = qkvBias ? s.vector(a + "v_proj.bias", kv * d, 0, 0.2) : null;
            double[][] oW = s.matrix(a + "o_proj.weight", width, heads * d, 0.4);
            double[] n2 = s.vector(b + "post_attention_layernorm.weight", width, 1, 0.1);
            double[][] gW = s.matrix(b + "mlp.gate_proj.weight", inner, width, 0.4);
            double[][] uW = s.matrix(b + "mlp.up_proj.weight", inner, width, 0.4);
            double[][] dW = s.matrix(b + "mlp.down_proj.weight", width, inner, 0.4);

            double[][] x = rmsNorm(h, n1, eps);
            double[][] q = linear(x, qW, qB);
            double[][] k = linear(x, kW, kB);
            rope(q, heads, d, d, base, positionScale);
            rope(k, kv, d, d, base, positionScale);
            h = add(h, linear(attention(q, k, linear(x, vW, vB), heads, kv, d, 1 / Math.sqrt(d), windows[l]), oW, null));
            x = rmsNorm(h, n2, eps);
            double[][] gate = activation("silu", linear(x, gW, null));
            double[][] up = linear(x, uW, null);
            for (int t = 0; t < gate.length; t++) {
                for (int i = 0; i < gate[t].length; i++) {
                    gate[t][i] *= up[t][i];
                }
            }
            h = add(h, linear(gate, dW, null));
        }
        return linear(rmsNorm(h, s.vector("model.norm.weight", width, 1, 0.1), eps),
                s.matrix("lm_head.weight", VOCAB, width, 0.5), null);
    }

    private static double[][] llamaFamily(Map<String, Object> config, boolean qkvBias, int kv, int[] windows,
                                          double base, double positionScale, long[] ids) {
        TinyModels.Store s = new TinyModels.Store(23);
        int heads = ((Number) config.get("num_attention_heads")).intValue();
        int width = ((Number) config.get("hidden_size")).intValue();
        int d = config.containsKey("head_dim") ? ((Number) config.get("head_dim")).intValue() : width / heads;
        double[][] expected = llamaReference(s, qkvBias, width, heads, kv, d,
                ((Number) config.get("intermediate_size")).intValue(), windows, base, positionScale, ids);
        try (LlamaForward model = new LlamaForward(TinyModels.config(config), s, Forwards.FLOAT64)) {
            double[][] actual = model.logits(ids);
            assertTrue(maxDiff(expected, actual) < CLOSE, config.get("model_type") + " " + config + ": "
                    + maxDiff(expected, actual));
            return actual;
        }
    }

    private static Map<String, Object> llamaConfig(String type, int layers, Object... more) {
        Map<String, Object> c = new HashMap<>(Map.of("model_type", type, "hidden_size", 8, "num_attention_heads", 2,
                "num_key_value_heads", 1, "num_hidden_layers", layers, "intermediate_size", 12));
        for (int i = 0; i < more.length; i += 2) {
            c.put((String) more[i], more[i + 1]);
        }
        return c;
    }

    private static long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (7L * i + 3) % VOCAB;
        }
        return ids;
    }

    @Test
    void mistralWindowSeesExactlyTheLastWindowKeys() {
        int w = 3;
        long[] ids = ids(7);
        double[][] windowed = llamaFamily(llamaConfig("mistral", 2, "sliding_window", w), false, 1,
                new int[] {w, w}, 10000, 1, ids);
        // One more key visible changes every position from w on and none before it.
        double[][] wider = llamaFamily(llamaConfig("mistral", 2, "sliding_window", w + 1), false, 1,
                new int[] {w + 1, w + 1}, 10000, 1, ids);
        for (int t = 0; t < ids.length; t++) {
            double diff = maxDiff(new double[][] {windowed[t]}, new double[][] {wider[t]});
            if (t < w) {
                assertEquals(0, diff, CLOSE, "position " + t + " is inside both windows");
            } else {
                assertTrue(diff > 1e-6, "position " + t + " should see one key less with window " + w);
            }
        }
    }

    @Test
    void mistralWindowDefaultsTo4096AndNullMeansNone() {
        long[] ids = ids(5);
        Map<String, Object> noKey = llamaConfig("mistral", 1);
        llamaFamily(noKey, false, 1, new int[] {4096}, 10000, 1, ids);
        Map<String, Object> nullWindow = llamaConfig("mistral", 1);
        nullWindow.put("sliding_window", null);
        llamaFamily(nullWindow, false, 1, new int[] {0}, 10000, 1, ids);
    }

    @Test
    void mistralKeyValueHeadsDefaultToEightWhenTheKeyIsMissing() {
        // configuration_mistral: num_key_value_heads=8 (only an explicit null falls back to the heads).
        Map<String, Object> c = llamaConfig("mistral", 1, "num_attention_heads", 16, "head_dim", 2);
        c.remove("num_key_value_heads");
        llamaFamily(c, false, 8, new int[] {4096}, 10000, 1, ids(4));
        Map<String, Object> llama = llamaConfig("llama", 1, "num_attention_heads", 16, "head_dim", 2);
        llama.remove("num_key_value_heads");
        llamaFamily(llama, false, 16, new int[] {0}, 10000, 1, ids(4));
    }

    @Test
    void qwen2SlidesOnlyWithUseSlidingWindowAndFromMaxWindowLayers() {
        long[] ids = ids(6);
        llamaFamily(llamaConfig("qwen2", 3, "sliding_window", 2, "max_window_layers", 1), true, 1,
                new int[] {0, 0, 0}, 10000, 1, ids);
        llamaFamily(llamaConfig("qwen2", 3, "use_sliding_window", true, "sliding_window", 2, "max_window_layers", 1),
                true, 1, new int[] {0, 2, 2}, 10000, 1, ids);
        // A saved layer_types list wins over max_window_layers.
        llamaFamily(llamaConfig("qwen2", 3, "use_sliding_window", true, "sliding_window", 2, "max_window_layers", 1,
                "layer_types", List.of("sliding_attention", "full_attention", "sliding_attention")),
                true, 1, new int[] {2, 0, 2}, 10000, 1, ids);
        // sliding_window null: no window even with use_sliding_window.
        Map<String, Object> nullWindow = llamaConfig("qwen2", 2, "use_sliding_window", true, "max_window_layers", 0);
        nullWindow.put("sliding_window", null);
        llamaFamily(nullWindow, true, 1, new int[] {0, 0}, 10000, 1, ids);
    }

    @Test
    void transformers5RopeParametersGiveThetaAndLinearFactor() {
        Map<String, Object> c = llamaConfig("llama", 1, "rope_theta", 10000,
                "rope_parameters", Map.of("rope_type", "linear", "rope_theta", 100.0, "factor", 2.0));
        llamaFamily(c, false, 1, new int[] {0}, 100, 2, ids(6));
        Map<String, Object> legacy = llamaConfig("llama", 1, "rope_theta", 500.0,
                "rope_scaling", Map.of("type", "linear", "factor", 4.0));
        llamaFamily(legacy, false, 1, new int[] {0}, 500, 4, ids(6));
        ModelConfig yarn = TinyModels.config(llamaConfig("llama", 1, "rope_scaling",
                Map.of("rope_type", "yarn", "factor", 4.0)));
        BadInputException e = assertThrows(BadInputException.class, () -> ConfigValues.ropePositionScale(yarn));
        assertTrue(e.getMessage().contains("yarn"), e.getMessage());
    }

    @Test
    void causalMaskWindowBoundaryIsStrict() {
        try (NDManager m = TorchEngine.start(Device.CPU, 2).newManager()) {
            int t = 6;
            int w = 3;
            double[] mask = Layers.causalMask(m, t, w, DataType.FLOAT64).toDoubleArray();
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    // masking_utils: causal (kv_idx <= q_idx) and sliding_window_overlay (kv_idx > q_idx - w)
                    boolean visible = j <= i && j > i - w;
                    if ((mask[i * t + j] == 0) != visible) {
                        wrong.add(i + "," + j);
                    }
                }
            }
            assertEquals(List.of(), wrong, "wrong cells in " + Arrays.toString(mask));
        }
    }

    @Test
    void oddRotaryWidthIsABadInput() {
        ModelConfig c = TinyModels.config(Map.of("model_type", "gpt_neox", "hidden_size", 8,
                "num_attention_heads", 2, "num_hidden_layers", 1, "intermediate_size", 4, "rotary_pct", 0.25));
        BadInputException e = assertThrows(BadInputException.class,
                () -> new GptNeoxForward(c, new TinyModels.Store(1), Forwards.FLOAT64));
        assertTrue(e.getMessage().contains("rotary"), e.getMessage());
    }
}
