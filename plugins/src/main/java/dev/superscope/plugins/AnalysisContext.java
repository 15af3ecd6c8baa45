package dev.superscope.plugins;

import dev.superscope.plugins.compute.Backend;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the analyzers of one matrix share: the settings, the compute backend, and the results of scans
 * that several analyzers need (the row scan behind {@code norms} and {@code overlap}, the pairwise scan
 * behind {@code pairwise} and {@code decode-error}), computed by whichever analyzer asks first. The
 * pipeline makes one context per matrix, so nothing is shared across matrices, and nothing is global.
 */
public final class AnalysisContext {
    private final AnalysisOptions options;
    private final Supplier<Backend> backend;
    private final Map<String, Object> shared = new HashMap<>();

    /**
     * A context for one matrix.
     *
     * @param options the analyzers' settings
     * @param backend gives the compute backend when an analyzer first needs it (it may still be starting)
     */
    public AnalysisContext(AnalysisOptions options, Supplier<Backend> backend) {
        this.options = options;
        this.backend = backend;
    }

    /** The analyzers' settings. */
    public AnalysisOptions options() {
        return options;
    }

    /** The compute backend, waiting for it to start if it is still starting. */
    public Backend backend() {
        return backend.get();
    }

    /**
     * The result shared under {@code key} for this matrix: computed by {@code compute} the first time it
     * is asked for, then the same object. Keys name what was computed and with which settings.
     */
    public <T> T shared(String key, Class<T> type, Supplier<T> compute) {
        synchronized (shared) {
            Object found = shared.get(key);
            if (found == null) {
                found = compute.get();
                shared.put(key, found);
            }
            return type.cast(found);
        }
    }
}
