package dev.superscope.plugins.architecture;

import dev.superscope.plugins.SuperscopeException;
import java.util.Locale;

/**
 * The floating type a forward pass computes in: float64 reproduces transformers' float64 logits to
 * round-off (the choice for checking and for small models); float32 halves memory and time for big ones.
 */
public enum ForwardPrecision {
    FLOAT32,
    FLOAT64;

    /** The precision named {@code text} ({@code float32}, {@code float64}); anything else is a usage error. */
    public static ForwardPrecision parse(String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        for (ForwardPrecision p : values()) {
            if (p.label().equals(t)) {
                return p;
            }
        }
        throw new SuperscopeException(SuperscopeException.USAGE, "unknown precision \"" + text
                + "\" for a forward pass; precisions: float32, float64");
    }

    /** The name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
