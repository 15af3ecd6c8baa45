package dev.superscope.pipeline.tokens;


import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.plugins.io.SmallFiles;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.TokenizerInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The text of each token id, decoded by the model's own tokenizer through DJL's HuggingFace tokenizers:
 * from {@code tokenizer.json}, or from a byte-level BPE assembled from {@code vocab.json} +
 * {@code merges.txt} (GPT-2 and OPT ship only those); and the ids of a text, encoded by the same tokenizer.
 *
 * <p>A WordPiece {@code vocab.txt} (BERT, DistilBERT) gives the token strings instead, even beside a
 * tokenizer.json: the vocabulary entries as written there, one per line, the line number the id
 * ({@code ##ing} stays {@code ##ing}, where decoding would glue it to the token before).
 */
public final class TokenStrings {
    private static final int BATCH = 4096;

    private TokenStrings() {
    }

    /** Token text for ids 0..count-1 (ids the tokenizer does not know decode to ""), or empty without a tokenizer. */
    public static Optional<IntFunction<String>> load(TokenizerInfo info, int count) {
        if (info.vocabTxt().isPresent()) {
            String[] entries = vocabTxtEntries(info.vocabTxt().get());
            return Optional.of(id -> id >= 0 && id < entries.length ? entries[id] : "");
        }
        return withTokenizerJson(info, json -> {
            String[] text = decodeAll(json, count);
            return id -> id >= 0 && id < text.length ? text[id] : "";
        });
    }

    /**
     * The token ids of each text by the model's own tokenizer, exactly as the text reads: no special tokens
     * added (no BOS/EOS), no truncation, no padding. Empty when the checkpoint ships no tokenizer.
     */
    public static Optional<List<long[]>> encode(TokenizerInfo info, List<String> texts) {
        return withTokenizerJson(info, json -> {
            List<long[]> ids = new ArrayList<>(texts.size());
            try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, ENCODE_AS_IS)) {
                for (String text : texts) {
                    ids.add(tokenizer.encode(text, false, false).getIds());
                }
            }
            return ids;
        });
    }

    /** Options that make DJL encode the text as is, overriding what tokenizer.json or DJL would default to. */
    private static final Map<String, String> ENCODE_AS_IS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    /** Work done with the path of a tokenizer.json. */
    private interface TokenizerWork<T> {
        T apply(Path tokenizerJson) throws IOException;
    }

    /**
     * Runs {@code work} on the checkpoint's tokenizer.json, or on one assembled from vocab.json + merges.txt
     * in a temporary directory removed afterwards; empty when there is neither.
     */
    private static <T> Optional<T> withTokenizerJson(TokenizerInfo info, TokenizerWork<T> work) {
        Optional<Path> json = info.tokenizerJson();
        Path tempDir = null;
        try {
            if (json.isEmpty() && info.vocabJson().isPresent() && info.mergesTxt().isPresent()) {
                tempDir = Files.createTempDirectory("superscope-tokenizer");
                json = Optional.of(byteLevelBpe(info.vocabJson().get(), info.mergesTxt().get(),
                        tempDir.resolve("tokenizer.json")));
            }
            if (json.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(work.apply(json.get()));
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(json.orElse(null), "cannot load the tokenizer: " + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip(), e);
        } finally {
            deleteQuietly(tempDir);
        }
    }

    private static String[] decodeAll(Path tokenizerJson, int count) throws IOException {
        String[] text = new String[count];
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson)) {
            for (int first = 0; first < count; first += BATCH) {
                int n = Math.min(BATCH, count - first);
                long[][] ids = new long[n][];
                for (int i = 0; i < n; i++) {
                    ids[i] = new long[] {first + i};
                }
                String[] decoded = tokenizer.batchDecode(ids, false);
                System.arraycopy(decoded, 0, text, first, n);
            }
        }
        return text;
    }

    /**
     * The entries of a WordPiece vocab.txt as transformers' {@code load_vocab} reads them: lines split at
     * '\n' only, each kept as written (a final newline ends the last entry, it does not start another).
     */
    static String[] vocabTxtEntries(Path vocabTxt) {
        try {
            // Only a regular file, and no more than any real vocabulary (BERT's is 230 kB): a FIFO or a link
            // to /dev/zero is refused, not read forever. Malformed UTF-8 is an error, not replaced.
            String text = StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(SmallFiles.read(vocabTxt, MAX_VOCAB_TXT_BYTES))).toString();
            if (text.isEmpty()) {
                return new String[0];
            }
            String[] lines = text.split("\n", -1);
            return text.endsWith("\n") ? java.util.Arrays.copyOf(lines, lines.length - 1) : lines;
        } catch (SmallFiles.RefusedFileException e) {
            throw new BadInputException(vocabTxt, e.getMessage(), e);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadInputException(vocabTxt, "cannot be read as UTF-8 text: " + e.getMessage(), e);
        }
    }

    /** The largest vocab.txt read: 64 MB, some hundred times any real WordPiece vocabulary. */
    static final long MAX_VOCAB_TXT_BYTES = 64L << 20;

    /** Writes the tokenizer.json that GPT-2's vocab.json + merges.txt define. */
    public static Path byteLevelBpe(Path vocabJson, Path mergesTxt, Path target) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode vocab = mapper.readTree(vocabJson.toFile());
        List<String> merges = new ArrayList<>();
        for (String line : Files.readAllLines(mergesTxt, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(line);
            }
        }
        Map<String, Object> byteLevel = new LinkedHashMap<>();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", true);
        byteLevel.put("use_regex", true);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("vocab", vocab);
        model.put("merges", merges);
        Map<String, Object> tokenizer = new LinkedHashMap<>();
        tokenizer.put("version", "1.0");
        tokenizer.put("truncation", null);
        tokenizer.put("padding", null);
        tokenizer.put("added_tokens", List.of());
        tokenizer.put("normalizer", null);
        tokenizer.put("pre_tokenizer", byteLevel);
        tokenizer.put("post_processor", byteLevel);
        tokenizer.put("decoder", byteLevel);
        tokenizer.put("model", model);
        mapper.writeValue(target.toFile(), tokenizer);
        return target;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory is harmless.
        }
    }
}
