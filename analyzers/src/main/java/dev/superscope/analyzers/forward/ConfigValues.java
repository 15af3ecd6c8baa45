package dev.superscope.analyzers.forward;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;

import java.util.OptionalInt;

/** Typed reads of {@code config.json} with the defaults transformers uses for a missing key. */
public final class ConfigValues {
    private ConfigValues() {
    }

    /** The first of {@code keys} present, which must be a positive integer. */
    public static int requirePositive(ModelConfig config, String... keys) {
        OptionalInt v = config.firstInteger(keys);
        if (v.isEmpty()) {
            throw new BadInputException(config.source(), "has no \"" + keys[0] + "\", which a forward pass needs");
        }
        if (v.getAsInt() < 1) {
            throw new BadInputException(config.source(), "\"" + keys[0] + "\" must be positive, not " + v.getAsInt());
        }
        return v.getAsInt();
    }

    /** The first of {@code keys} present as an integer, else {@code fallback}. */
    public static int intOr(ModelConfig config, int fallback, String... keys) {
        return config.firstInteger(keys).orElse(fallback);
    }

    /** The first of {@code keys} present as a number, else {@code fallback}. */
    public static double numberOr(ModelConfig config, double fallback, String... keys) {
        for (String k : keys) {
            if (config.has(k)) {
                return config.number(k).orElseThrow();
            }
        }
        return fallback;
    }

    /** {@code key} as a boolean, else {@code fallback}. */
    public static boolean boolOr(ModelConfig config, String key, boolean fallback) {
        return config.bool(key).orElse(fallback);
    }

    /** {@code key} as a string, else {@code fallback}. */
    public static String stringOr(ModelConfig config, String key, String fallback) {
        return config.string(key).orElse(fallback);
    }

    /** Throws unless {@code total} splits into {@code parts} equal parts. */
    public static int divide(ModelConfig config, int total, int parts, String what) {
        if (total % parts != 0) {
            throw new BadInputException(config.source(), what + ": " + total + " does not divide into " + parts);
        }
        return total / parts;
    }
}
