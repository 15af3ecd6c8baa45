package dev.superscope.backend.torch.forward;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.ModelConfig;

import java.util.List;
import java.util.Map;
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

    /**
     * The rotary parameters: transformers 5 saves them as one {@code rope_parameters} object (with
     * {@code rope_theta}, {@code rope_type}, {@code factor}, {@code partial_rotary_factor}); earlier
     * versions as top-level keys plus a {@code rope_scaling} object. This is the object that is present
     * ({@code rope_parameters} first), or an empty map.
     */
    public static Map<?, ?> ropeParameters(ModelConfig config) {
        for (String key : List.of("rope_parameters", "rope_scaling")) {
            Object v = config.values().get(key);
            if (v instanceof Map<?, ?> map) {
                return map;
            }
            if (v != null) {
                throw new BadInputException(config.source(), "\"" + key + "\" should be an object or null");
            }
        }
        return Map.of();
    }

    /**
     * A rotary parameter: {@code name} inside {@link #ropeParameters} when it is there (transformers 5),
     * else the first of the top-level {@code legacyKeys} present, else {@code fallback}.
     */
    public static double ropeNumber(ModelConfig config, String name, double fallback, String... legacyKeys) {
        Object v = ropeParameters(config).get(name);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v != null) {
            throw new BadInputException(config.source(), "rope parameter \"" + name + "\" should be a number, not " + v);
        }
        return numberOr(config, fallback, legacyKeys);
    }

    /**
     * What positions are divided by, from the rope type ({@code rope_type}, or the older {@code type}):
     * 1 for none or {@code default}; {@code factor} for {@code linear}, whose inverse frequencies
     * transformers divides by the factor (the same angles). Other types change the frequencies in ways
     * not implemented here and are refused rather than silently computed wrong.
     *
     * @throws BadInputException naming the config for an unsupported rope type or a bad factor
     */
    public static double ropePositionScale(ModelConfig config) {
        Map<?, ?> rope = ropeParameters(config);
        Object type = rope.containsKey("rope_type") ? rope.get("rope_type") : rope.get("type");
        if (type == null || "default".equals(type)) {
            return 1;
        }
        if ("linear".equals(type) && rope.get("factor") instanceof Number factor && factor.doubleValue() > 0) {
            return factor.doubleValue();
        }
        throw new BadInputException(config.source(), "rope scaling of type " + type + " with factor "
                + rope.get("factor") + " is not supported for forward passes (supported: default, linear)");
    }

    /** {@code int(headDim * factor)} rotated channels, as transformers computes them; they must be even. */
    public static int rotaryDims(ModelConfig config, int headDim, double factor) {
        int dims = (int) (headDim * factor);
        if (dims < 0 || dims > headDim || dims % 2 != 0) {
            throw new BadInputException(config.source(), "partial rotary factor " + factor + " of head size "
                    + headDim + " gives " + dims + " rotary channels; a forward pass needs an even number in 0.."
                    + headDim);
        }
        return dims;
    }
}
