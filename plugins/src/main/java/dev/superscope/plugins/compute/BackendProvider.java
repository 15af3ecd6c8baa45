package dev.superscope.plugins.compute;

import java.util.Optional;

/**
 * Makes one kind of compute backend. Implementations are listed in
 * {@code META-INF/services/dev.superscope.plugins.compute.BackendProvider} and need a public no-argument
 * constructor that loads no native code: a provider is asked about every run, opened only when chosen.
 */
public interface BackendProvider {

    /** A short unique name, e.g. {@code blas} or {@code torch}; used by {@code --backend}. */
    String name();

    /** One line for {@code superscope plugins}. */
    String description();

    /** Preference when several can run: the highest-ranked available provider is the default. */
    int rank();

    /**
     * The preference for these {@code settings} (a GPU backend ranks first only where it will compute on
     * the GPU); {@link #rank()} unless the provider says otherwise.
     */
    default int rank(BackendSettings settings) {
        return rank();
    }

    /**
     * Why this backend cannot run with {@code settings} here (e.g. it has no GPU support, or its native
     * library is not on the class path), or empty when it can. Cheap: it does not load native code.
     */
    Optional<String> unavailableReason(BackendSettings settings);

    /**
     * Whether the backend can be started in the background as soon as a run begins. False when loading it
     * holds a process-wide lock long enough to stall the threads that open the checkpoint meanwhile (a
     * library whose static constructors run for long inside {@code dlopen}, which holds the dynamic
     * loader's lock that every first call of a native method needs): such a backend is started once the
     * checkpoint is open, beside the Java-only row scan.
     */
    default boolean startsEarly() {
        return true;
    }

    /**
     * Starts the backend (loads its native code; may take a while the first time).
     *
     * @throws dev.superscope.plugins.SuperscopeException when it cannot start
     */
    Backend open(BackendSettings settings);
}
