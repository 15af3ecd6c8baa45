package dev.superscope.pipeline.compute;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import java.io.Serializable;

/**
 * The user's choice of compute backend: {@code --backend auto|NAME}, {@code --device}, {@code --precision}
 * and the thread count (the system property {@code superscope.threads}, default one per processor).
 *
 * @param backend   a backend's name, or {@code auto} for the highest-ranked one that can run here
 * @param device    where to compute
 * @param precision the products' arithmetic
 * @param threads   CPU threads
 */
public record ComputeSettings(String backend, Device device, ComputePrecision precision, int threads) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The backend name that lets Superscope choose. */
    public static final String AUTO = "auto";
    /** System property overriding the number of CPU threads. */
    public static final String THREADS_PROPERTY = "superscope.threads";

    public ComputeSettings {
        if (backend == null || backend.isBlank()) {
            backend = AUTO;
        }
        new BackendSettings(device, precision, threads);
    }

    /** Any backend and device, float32 products, the default threads. */
    public static ComputeSettings defaults() {
        return new ComputeSettings(AUTO, Device.AUTO, ComputePrecision.FLOAT32, defaultThreads());
    }

    /** The same choice computing with {@code n} CPU threads (a cluster task computes with the cores it was given). */
    public ComputeSettings withThreads(int n) {
        return new ComputeSettings(backend, device, precision, n);
    }

    /** These settings as the backend SPI takes them. */
    public BackendSettings backendSettings() {
        return new BackendSettings(device, precision, threads);
    }

    /** {@code superscope.threads} when set, else one thread per available processor. */
    public static int defaultThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new SuperscopeException(SuperscopeException.USAGE,
                THREADS_PROPERTY + " must be a positive integer, not \"" + value + "\"");
    }
}
