package dev.superscope.plugins.architecture;

import dev.superscope.plugins.compute.Device;

/**
 * How to run a forward pass.
 *
 * @param precision the floating type of the weights and activations
 * @param device    where to run it ({@link Device#AUTO}: a GPU when the engine finds one)
 * @param threads   CPU threads for the engine's operators
 */
public record ForwardSettings(ForwardPrecision precision, Device device, int threads) {

    public ForwardSettings {
        if (precision == null || device == null) {
            throw new IllegalArgumentException("precision and device are required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
    }

    /** {@code precision} on any device, one thread per available processor. */
    public static ForwardSettings of(ForwardPrecision precision) {
        return new ForwardSettings(precision, Device.AUTO, Runtime.getRuntime().availableProcessors());
    }
}
