package dev.superscope.plugins;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A checkpoint's {@code config.json}, as plain Java values (Map, List, String, Number, Boolean, null),
 * with typed getters that tell a missing key from one of the wrong type.
 *
 * @param values the parsed JSON object
 * @param source the file it came from, for messages
 */
public record ModelConfig(Map<String, Object> values, java.nio.file.Path source) {

    public ModelConfig {
        values = Collections.unmodifiableMap(values);
    }

    /** Whether the values were read from a config.json that exists (not an empty stand-in). */
    public boolean fromFile() {
        return source != null && java.nio.file.Files.isRegularFile(source);
    }

    /** {@code model_type}, or "" when absent. */
    public String modelType() {
        return string("model_type").orElse("");
    }

    /** {@code architectures}, or an empty list. */
    public List<String> architectures() {
        Object v = values.get("architectures");
        if (v instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    /** The first architecture, else the model type. */
    public String architecture() {
        List<String> a = architectures();
        return a.isEmpty() ? modelType() : a.get(0);
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public Optional<String> string(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw wrongType(key, "a string", v);
    }

    /** An integer value; a whole floating value such as 768.0 is accepted. */
    public OptionalInt integer(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return OptionalInt.of(n.intValue());
        }
        throw wrongType(key, "an integer", v);
    }

    public Optional<Double> number(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        throw wrongType(key, "a number", v);
    }

    public Optional<Boolean> bool(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        throw wrongType(key, "true or false", v);
    }

    /** The first of {@code keys} that is present, as an integer. */
    public OptionalInt firstInteger(String... keys) {
        for (String k : keys) {
            OptionalInt v = integer(k);
            if (v.isPresent()) {
                return v;
            }
        }
        return OptionalInt.empty();
    }

    private BadInputException wrongType(String key, String expected, Object actual) {
        return new BadInputException(source, "\"" + key + "\" should be " + expected + ", not " + actual);
    }
}
