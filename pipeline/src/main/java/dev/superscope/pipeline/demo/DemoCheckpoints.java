package dev.superscope.pipeline.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the demo's checkpoints in Hugging Face format: a GPT-2 style {@code config.json}, a
 * {@code model.safetensors} holding the tied token embedding {@code transformer.wte.weight}, and a
 * word-level {@code tokenizer.json} whose tokens are named by frequency rank, so the whole pipeline —
 * loader detection, tokenizer, analyzers, reports — runs on them exactly as on a downloaded model.
 */
public final class DemoCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoCheckpoints() {
    }

    /** Writes one checkpoint of {@code family} with n rows and width m into {@code dir}. */
    public static void write(Path dir, DemoFamily family, int n, int m, long seed) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", java.util.List.of("GPT2LMHeadModel"));
        config.put("model_type", "gpt2");
        config.put("n_embd", m);
        config.put("n_layer", 0);
        config.put("n_head", 1);
        config.put("n_positions", 1024);
        config.put("vocab_size", n);
        config.put("tie_word_embeddings", true);
        config.put("superscope_demo", family.label());
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        new SafetensorsWriter()
                .metadata("format", "pt")
                .tensor("transformer.wte.weight", DType.F32, new long[] {n, m}, (first, count, block) -> {
                    FloatBuffer floats = block.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                    family.fillRows(seed, n, m, first, count, floats);
                    block.position(block.position() + 4 * floats.position());
                })
                .write(dir.resolve("model.safetensors"));
        writeTokenizer(dir.resolve("tokenizer.json"), n);
    }

    private static void writeTokenizer(Path file, int n) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            vocab.put(String.format("tok%05d", i), i);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordLevel");
        model.put("vocab", vocab);
        model.put("unk_token", "tok00000");
        Map<String, Object> tokenizer = new LinkedHashMap<>();
        tokenizer.put("version", "1.0");
        tokenizer.put("truncation", null);
        tokenizer.put("padding", null);
        tokenizer.put("added_tokens", java.util.List.of());
        tokenizer.put("normalizer", null);
        tokenizer.put("pre_tokenizer", Map.of("type", "WhitespaceSplit"));
        tokenizer.put("post_processor", null);
        tokenizer.put("decoder", null);
        tokenizer.put("model", model);
        try {
            new ObjectMapper().writeValue(file.toFile(), tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
