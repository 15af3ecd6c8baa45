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

    /** Why OpenBLAS's native libraries for {@code platform} are not among {@code resources}, or empty when they are. */
    static Optional<String> missing(ClassLoader resources, String platform) {
        return missing(resources, platform, "OpenBLAS", List.of(
                new Library("javacpp", "jnijavacpp", Versions.JAVACPP),
                new Library("openblas", "jniopenblas_full", Versions.OPENBLAS)));
    }

    /** Why oneDNN's native libraries (for bf16) for {@code platform} are not among {@code resources}, or empty. */
    static Optional<String> missingOneDnn(ClassLoader resources, String platform) {
        return missing(resources, platform, "oneDNN", List.of(
                new Library("javacpp", "jnijavacpp", Versions.JAVACPP),
                new Library("dnnl", "jnidnnl", Versions.DNNL),
                new Library("opencl", "jniOpenCL", Versions.OPENCL)));
    }

    private static Optional<String> missing(ClassLoader resources, String platform, String what, List<Library> libraries) {
        List<String> missing = new ArrayList<>();
        for (Library library : libraries) {
            String path = "org/bytedeco/" + library.artifact() + "/" + platform + "/" + System.mapLibraryName(library.jni());
            if (resources.getResource(path) == null) {
                missing.add("org.bytedeco:" + library.artifact() + ":" + library.version() + ":" + platform);
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the " + what + " native library for " + platform + " is not on the class path (missing "
                + String.join(" and ", missing) + "; build with -Djavacpp.platform=" + platform + ")");
    }

    /** A javacpp artifact and the JNI library its platform jar holds. */
    private record Library(String artifact, String jni, String version) {
    }
}
