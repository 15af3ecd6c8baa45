package dev.superscope.plugins.compute;

import dev.superscope.plugins.SuperscopeException;

/**
 * What the user asked of the compute backend.
 *
 * @param device    where to compute
 * @param precision the arithmetic of the products
 * @param threads   CPU threads for the kernels (at least 1)
 */
public record BackendSettings(Device device, ComputePrecision precision, int threads) {

    public BackendSettings {
        if (device == null || precision == null) {
            throw new IllegalArgumentException("device and precision are required");
        }
        if (threads < 1) {
            throw new SuperscopeException(SuperscopeException.USAGE, "threads must be at least 1, not " + threads);
        }
    }

    /** Any device, float32 products, one thread per available processor. */
    public static BackendSettings defaults() {
        return new BackendSettings(Device.AUTO, ComputePrecision.FLOAT32, Runtime.getRuntime().availableProcessors());
    }

    /** These settings on {@code device}. */
    public BackendSettings on(Device device) {
        return new BackendSettings(device, precision, threads);
    }
}
