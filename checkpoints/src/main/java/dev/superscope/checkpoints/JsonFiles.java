package dev.superscope.checkpoints;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reads the small JSON files of a checkpoint (config.json, shard indexes, tokenizer files) strictly. */
final class JsonFiles {
    /** Larger than any real config or index (a 400B model's index is ~10 MB); stops a hostile file early. */
    static final long MAX_OBJECT_BYTES = 64L << 20;

    /*
     * Duplicate keys are an error rather than "last one wins": a config that says two things is not one
     * we should guess about. NaN/Infinity are allowed because Python's json.dump writes them.
     */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFiles() {
    }

    /** The JSON object in {@code file} as plain Java values (Map, List, String, Number, Boolean, null). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readObject(Path file) {
        long size = size(file);
        if (size > MAX_OBJECT_BYTES) {
            throw new BadInputException(file, "is " + size + " bytes, too large for a JSON metadata file (limit "
                    + MAX_OBJECT_BYTES + ")");
        }
        Object value;
        try (InputStream in = Files.newInputStream(file)) {
            value = MAPPER.readValue(in, Object.class);
        } catch (JsonProcessingException e) {
            throw notJson(file, e);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot be read: " + e.getMessage(), e);
        }
        if (!(value instanceof Map)) {
            throw new BadInputException(file, "is not a JSON object (top level is "
                    + (value == null ? "null" : value instanceof java.util.List ? "an array" : "a " + value.getClass()
                    .getSimpleName().toLowerCase(java.util.Locale.ROOT)) + ")");
        }
        return (Map<String, Object>) value;
    }

    /** A streaming parser over {@code file}, for files too large to hold as a tree (tokenizer.json). */
    static JsonParser parser(Path file) throws IOException {
        JsonParser parser = MAPPER.getFactory().createParser(Files.newInputStream(file));
        parser.enable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        return parser;
    }

    /** A one-line "not valid JSON" error for {@code file}. */
    static BadInputException notJson(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ")";
        String why = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
                : e.getOriginalMessage().replaceAll("\\s+", " ").trim()
                        // Jackson's own "[Source: REDACTED (...disabled); line: 1, column: 16]" is noise to a user.
                        .replaceAll("\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]\\)",
                                "(opened at line $1, column $2)");
        if (why.length() > 200) {
            why = why.substring(0, 200) + "...";
        }
        return new BadInputException(file, "is not valid JSON" + where + ": " + why, e);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "does not exist", e);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot be read: " + e.getMessage(), e);
        }
    }
}
