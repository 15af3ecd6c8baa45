package dev.superscope.backend.blas;

import org.bytedeco.javacpp.Loader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the native libraries javacpp would load are on the class path, found by name only: nothing
 * here loads native code or touches the OpenBLAS binding (whose class loads the library as it
 * initialises), so a provider can answer {@code unavailableReason} cheaply.
 */
final class NativeFiles {
    private NativeFiles() {
    }

    /** javacpp's name for this machine's platform, e.g. {@code linux-x86_64}. */
    static String platform() {
        return Loader.getPlatform();
    }

    /** Why the native libraries for {@code platform} are not among {@code resources}, or empty when they are. */
    static Optional<String> missing(ClassLoader resources, String platform) {
        List<String> missing = new ArrayList<>();
        if (resources.getResource("org/bytedeco/javacpp/" + platform + "/" + System.mapLibraryName("jnijavacpp")) == null) {
            missing.add("org.bytedeco:javacpp:" + Versions.JAVACPP + ":" + platform);
        }
        if (resources.getResource("org/bytedeco/openblas/" + platform + "/" + System.mapLibraryName("jniopenblas_full")) == null) {
            missing.add("org.bytedeco:openblas:" + Versions.OPENBLAS + ":" + platform);
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the OpenBLAS native library for " + platform + " is not on the class path (missing "
                + String.join(" and ", missing) + "; build with -Djavacpp.platform=" + platform + ")");
    }
}
