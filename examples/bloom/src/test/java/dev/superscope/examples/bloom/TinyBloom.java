package dev.superscope.examples.bloom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorStore;
import dev.superscope.testing.SeededWeights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny BLOOM checkpoints on disk, as transformers saves them: a {@code config.json} with the keys of the
 * real bigscience configs, and a {@code model.safetensors} of seeded random F32 weights under BLOOM's
 * tensor names. {@link #write} returns the weights as the stored float32 values, for {@link BloomReference}.
 * Public, with {@link BloomReference}, for the cli module's tests (this module's test jar).
 */
public final class TinyBloom {
    private TinyBloom() {
    }

    /**
     * One tiny BLOOM.
     *
     * @param heads             {@code n_head}
     * @param headDim           head size ({@code hidden_size = heads * headDim})
     * @param layers            {@code n_layer}
     * @param vocab             rows of the word embeddings
     * @param residualAfterNorm {@code apply_residual_connection_post_layernorm}
     * @param tie               {@code tie_word_embeddings}, or null to leave the key out (transformers: true)
     * @param storeHead         whether an {@code lm_head.weight} is stored
     * @param prefixed          tensor names under {@code transformer.} (BloomForCausalLM) or bare (BloomModel)
     * @param pretrainingTp     {@code pretraining_tp}
     * @param slowButExact      {@code slow_but_exact}
     * @param legacyKeys        the older key names of bigscience/bloom ({@code n_embed},
     *                          {@code num_attention_heads}) instead of {@code hidden_size}, {@code n_head}
     * @param eps               {@code layer_norm_epsilon}, or null to leave the key out (transformers: 1e-5)
     * @param seed              the weights' random seed
     */
    public record Spec(int heads, int headDim, int layers, int vocab, boolean residualAfterNorm, Boolean tie,
                       boolean storeHead, boolean prefixed, int pretrainingTp, boolean slowButExact,
                       boolean legacyKeys, Double eps, long seed) {

        /** Two blocks, 13 tokens, tied, prefixed names, modern keys, eps 1e-5 written out. */
        public static Spec of(int heads, int headDim) {
            return new Spec(heads, headDim, 2, 13, false, null, false, true, 1, false, false, 1e-5, 1000L * heads + headDim);
        }

        public int width() {
            return heads * headDim;
        }

        /** Whether the LM head is the word embeddings, as transformers decides. */
        public boolean tied() {
            return tie == null || tie;
        }

        public Spec layers(int n) {
            return new Spec(heads, headDim, n, vocab, residualAfterNorm, tie, storeHead, prefixed, pretrainingTp,
                    slowButExact, legacyKeys, eps, seed);
        }

        public Spec vocab(int n) {
            return new Spec(heads, headDim, layers, n, residualAfterNorm, tie, storeHead, prefixed, pretrainingTp,
                    slowButExact, legacyKeys, eps, seed);
        }

        public Spec residualAfterNorm(boolean on) {
            return new Spec(heads, headDim, layers, vocab, on, tie, storeHead, prefixed, pretrainingTp, slowButExact,
                    legacyKeys, eps, seed);
        }

        /** {@code tie_word_embeddings} set to {@code tied}, with an {@code lm_head.weight} stored or not. */
        public Spec head(Boolean tied, boolean stored) {
            return new Spec(heads, headDim, layers, vocab, residualAfterNorm, tied, stored, prefixed, pretrainingTp,
                    slowButExact, legacyKeys, eps, seed);
        }

        public Spec prefixed(boolean on) {
            return new Spec(heads, headDim, layers, vocab, residualAfterNorm, tie, storeHead, on, pretrainingTp,
                    slowButExact, legacyKeys, eps, seed);
        }

        public Spec tensorParallel(int tp, boolean exact) {
            return new Spec(heads, headDim, layers, vocab, residualAfterNorm, tie, storeHead, prefixed, tp, exact,
                    legacyKeys, eps, seed);
        }

        public Spec legacyKeys(boolean on) {
            return new Spec(heads, headDim, layers, vocab, residualAfterNorm, tie, storeHead, prefixed, pretrainingTp,
                    slowButExact, on, eps, seed);
        }

        public Spec eps(Double value) {
            return new Spec(heads, headDim, layers, vocab, residualAfterNorm, tie, storeHead, prefixed, pretrainingTp,
                    slowButExact, legacyKeys, value, seed);
        }
    }

    /** One block's weights, {@code torch.nn.Linear} matrices as stored, {@code [out, in]}. */
    public record Block(double[] inputNormW, double[] inputNormB, double[][] qkvW, double[] qkvB, double[][] denseW,
                        double[] denseB, double[] postNormW, double[] postNormB, double[][] upW, double[] upB,
                        double[][] downW, double[] downB) {
    }

    /** Every weight of a tiny BLOOM; {@code storedHead} is null when no {@code lm_head.weight} is stored. */
    public record Weights(double[][] embeddings, double[] embeddingNormW, double[] embeddingNormB, List<Block> blocks,
                          double[] finalNormW, double[] finalNormB, double[][] storedHead) {
    }

    /** Writes {@code spec}'s config.json and model.safetensors into {@code dir} (created if needed). */
    public static Weights write(Path dir, Spec spec) throws IOException {
        Files.createDirectories(dir);
        Tensors t = new Tensors(spec.seed());
        String p = spec.prefixed() ? "transformer." : "";
        int w = spec.width();
        double[][] embeddings = t.matrix(p + "word_embeddings.weight", spec.vocab(), w, 1);
        double[] embNormW = t.vector(p + "word_embeddings_layernorm.weight", w, 1, 0.1);
        double[] embNormB = t.vector(p + "word_embeddings_layernorm.bias", w, 0, 0.1);
        List<Block> blocks = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            String b = p + "h." + l + ".";
            blocks.add(new Block(
                    t.vector(b + "input_layernorm.weight", w, 1, 0.1), t.vector(b + "input_layernorm.bias", w, 0, 0.1),
                    t.matrix(b + "self_attention.query_key_value.weight", 3 * w, w, 0.5),
                    t.vector(b + "self_attention.query_key_value.bias", 3 * w, 0, 0.2),
                    t.matrix(b + "self_attention.dense.weight", w, w, 0.3),
                    t.vector(b + "self_attention.dense.bias", w, 0, 0.2),
                    t.vector(b + "post_attention_layernorm.weight", w, 1, 0.1),
                    t.vector(b + "post_attention_layernorm.bias", w, 0, 0.1),
                    t.matrix(b + "mlp.dense_h_to_4h.weight", 4 * w, w, 0.3),
                    t.vector(b + "mlp.dense_h_to_4h.bias", 4 * w, 0, 0.2),
                    t.matrix(b + "mlp.dense_4h_to_h.weight", w, 4 * w, 0.3),
                    t.vector(b + "mlp.dense_4h_to_h.bias", w, 0, 0.2)));
        }
        double[] finalW = t.vector(p + "ln_f.weight", w, 1, 0.1);
        double[] finalB = t.vector(p + "ln_f.bias", w, 0, 0.1);
        double[][] head = spec.storeHead() ? t.matrix("lm_head.weight", spec.vocab(), w, 1) : null;
        t.write(dir.resolve("model.safetensors"));
        writeJson(dir.resolve("config.json"), config(spec));
        return new Weights(embeddings, embNormW, embNormB, blocks, finalW, finalB, head);
    }

    /**
     * The weights of a BLOOM checkpoint someone else wrote, read from {@code store} under the names
     * {@code spec} describes (its prefix and whether a head is stored), for {@link BloomReference}.
     */
    public static Weights read(TensorStore store, Spec spec) {
        String p = spec.prefixed() ? "transformer." : "";
        List<Block> blocks = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            String b = p + "h." + l + ".";
            blocks.add(new Block(vector(store, b + "input_layernorm.weight"), vector(store, b + "input_layernorm.bias"),
                    matrix(store, b + "self_attention.query_key_value.weight"),
                    vector(store, b + "self_attention.query_key_value.bias"),
                    matrix(store, b + "self_attention.dense.weight"), vector(store, b + "self_attention.dense.bias"),
                    vector(store, b + "post_attention_layernorm.weight"),
                    vector(store, b + "post_attention_layernorm.bias"),
                    matrix(store, b + "mlp.dense_h_to_4h.weight"), vector(store, b + "mlp.dense_h_to_4h.bias"),
                    matrix(store, b + "mlp.dense_4h_to_h.weight"), vector(store, b + "mlp.dense_4h_to_h.bias")));
        }
        return new Weights(matrix(store, p + "word_embeddings.weight"), vector(store, p + "word_embeddings_layernorm.weight"),
                vector(store, p + "word_embeddings_layernorm.bias"), blocks, vector(store, p + "ln_f.weight"),
                vector(store, p + "ln_f.bias"), spec.storeHead() ? matrix(store, "lm_head.weight") : null);
    }

    private static double[][] matrix(TensorStore store, String name) {
        Matrix m = store.view(name);
        float[] v = m.rowsAsFloats(0, (int) m.rows());
        double[][] out = new double[(int) m.rows()][m.cols()];
        for (int r = 0; r < out.length; r++) {
            for (int c = 0; c < m.cols(); c++) {
                out[r][c] = v[r * m.cols() + c];
            }
        }
        return out;
    }

    private static double[] vector(TensorStore store, String name) {
        double[][] m = matrix(store, name);
        if (m.length != 1) {
            throw new IllegalArgumentException(name + " is not a vector");
        }
        return m[0];
    }

    /** config.json in the form of bigscience/bloom-560m's (or bigscience/bloom's, with legacy keys). */
    static Map<String, Object> config(Spec spec) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("apply_residual_connection_post_layernorm", spec.residualAfterNorm());
        c.put("architectures", List.of("BloomForCausalLM"));
        c.put("attention_dropout", 0.0);
        c.put("attention_softmax_in_fp32", true);
        c.put("bias_dropout_fusion", true);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("hidden_dropout", 0.0);
        c.put(spec.legacyKeys() ? "n_embed" : "hidden_size", spec.width());
        c.put("initializer_range", 0.02);
        if (spec.eps() != null) {
            c.put("layer_norm_epsilon", spec.eps());
        }
        c.put("masked_softmax_fusion", true);
        c.put("model_type", "bloom");
        c.put(spec.legacyKeys() ? "num_attention_heads" : "n_head", spec.heads());
        c.put("n_inner", null);
        c.put("n_layer", spec.layers());
        c.put("offset_alibi", 100);
        c.put("pad_token_id", 3);
        c.put("pretraining_tp", spec.pretrainingTp());
        c.put("skip_bias_add", true);
        c.put("skip_bias_add_qkv", false);
        c.put("slow_but_exact", spec.slowButExact());
        if (spec.tie() != null) {
            c.put("tie_word_embeddings", spec.tie());
        }
        c.put("transformers_version", "4.21.0");
        c.put("unk_token_id", 0);
        c.put("use_cache", true);
        c.put("vocab_size", spec.vocab());
        return c;
    }

    /**
     * A word-level {@code tokenizer.json} (whitespace split) in {@code dir} whose token i is {@code words[i]};
     * a text of those words separated by spaces encodes to their indices.
     */
    public static void writeWordTokenizer(Path dir, List<String> words) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            vocab.put(words.get(i), i);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordLevel");
        model.put("vocab", vocab);
        model.put("unk_token", words.get(0));
        Map<String, Object> tokenizer = new LinkedHashMap<>();
        tokenizer.put("version", "1.0");
        tokenizer.put("truncation", null);
        tokenizer.put("padding", null);
        tokenizer.put("added_tokens", List.of());
        tokenizer.put("normalizer", null);
        tokenizer.put("pre_tokenizer", Map.of("type", "WhitespaceSplit"));
        tokenizer.put("post_processor", null);
        tokenizer.put("decoder", null);
        tokenizer.put("model", model);
        writeJson(dir.resolve("tokenizer.json"), tokenizer);
    }

    private static void writeJson(Path file, Object value) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
    }

    /** Seeded float32 tensors in the order made, read back as the doubles a reference computes with. */
    private static final class Tensors {
        private final SeededWeights weights;
        private final SafetensorsWriter writer = new SafetensorsWriter();

        Tensors(long seed) {
            weights = new SeededWeights(seed);
        }

        double[][] matrix(String name, int rows, int cols, double scale) {
            float[] v = weights.draw(rows * cols, 0, scale);
            writer.floats(name, DType.F32, new long[] {rows, cols}, v);
            return SeededWeights.rows(v, rows, cols);
        }

        double[] vector(String name, int n, double offset, double scale) {
            float[] v = weights.draw(n, offset, scale);
            writer.floats(name, DType.F32, new long[] {n}, v);
            return SeededWeights.doubles(v);
        }

        void write(Path file) throws IOException {
            writer.write(file);
        }
    }
}
