package dev.superscope.backend.blas;

import dev.superscope.plugins.SuperscopeException;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenBLAS native library as javacpp ships it: loading it once per process, and what it says about
 * itself. ({@link NativeFiles} finds it without loading it.)
 *
 * <p>The one Java binding used is {@code openblas_full}: unlike {@code openblas} it binds the OpenBLAS
 * extensions this backend needs ({@code openblas_set_num_threads}, {@code openblas_get_config},
 * {@code openblas_get_corename}) next to CBLAS and LAPACKE. Touching that class loads the native code,
 * so only {@link #load()} and what runs after it may name it.
 */
final class OpenBlasLibrary {
    /** The environment variables through which a user pins OpenBLAS's kernels; read, never written. */
    static final List<String> ENVIRONMENT = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    private OpenBlasLibrary() {
    }

    /**
     * Loads OpenBLAS into this process (once: javacpp remembers what it loaded), which picks its kernels
     * for this CPU or those the environment pins.
     *
     * @throws SuperscopeException when the library cannot be loaded here
     */
    static void load() {
        try {
            Loader.load(openblas_full.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new SuperscopeException(1, "cannot load OpenBLAS for " + NativeFiles.platform() + ": " + oneLine(e), e);
        }
    }

    /** Sets the threads of OpenBLAS's kernels (process-wide: OpenBLAS has one thread pool) and returns them. */
    static int setThreads(int threads) {
        openblas_full.openblas_set_num_threads(threads);
        return openblas_full.openblas_get_num_threads();
    }

    /** OpenBLAS's build line, e.g. {@code OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64}. */
    static String config() {
        return openblas_full.openblas_get_config().getString().trim();
    }

    /** The kernels OpenBLAS chose at load time, e.g. {@code Cooperlake} or {@code Haswell}. */
    static String coreName() {
        return openblas_full.openblas_get_corename().getString().trim();
    }

    /**
     * Says which kernels run and why: pinned by the user's environment, or OpenBLAS's own pick for this
     * CPU. A {@code Haswell} pin (AVX2) ran {@code ssyrk} at 150 against 370 GFLOP/s on Zen 5 and cost
     * nothing on Zen 4, whose AVX-512 runs on 256-bit units (backends/blas/README.md); the user may have
     * reasons, so it is reported, not overridden.
     */
    static String kernels() {
        List<String> pins = new ArrayList<>();
        for (String name : ENVIRONMENT) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                pins.add(name + "=" + value);
            }
        }
        String core = coreName();
        if (pins.isEmpty()) {
            return "kernels " + core + " (OpenBLAS's pick for this CPU)";
        }
        return "kernels " + core + " (environment: " + String.join(", ", pins) + ")";
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
