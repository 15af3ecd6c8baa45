package dev.superscope.plugins.compute;

import dev.superscope.plugins.SuperscopeException;
import java.util.Locale;

/**
 * The arithmetic of the backend's products ({@code --precision}).
 */
public enum ComputePrecision {
    /**
     * Float32 inputs and products, each block's product accumulated in float32 and the blocks summed in
     * float64: the default, within about 1e-8 of float64 on sum(G^2).
     */
    FLOAT32,
    /**
     * Inputs rounded to bfloat16, products accumulated in float32 (where the hardware has BF16 dot
     * products, about twice the float32 rate), blocks summed in float64. The README states the measured
     * error.
     */
    BF16;

    /** The precision named {@code text} ({@code float32}, {@code bf16}); anything else is a usage error. */
    public static ComputePrecision parse(String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        for (ComputePrecision p : values()) {
            if (p.label().equals(t)) {
                return p;
            }
        }
        throw new SuperscopeException(SuperscopeException.USAGE, "unknown precision \"" + text
                + "\"; precisions: float32, bf16");
    }

    /** The name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
