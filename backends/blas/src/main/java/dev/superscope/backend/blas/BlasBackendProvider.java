package dev.superscope.backend.blas;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code blas} backend: OpenBLAS on the CPU. Ranked above the PyTorch backend (10) because on the
 * CPUs measured its symmetric kernels do the Gram sum and the quadratic forms in half a GEMM's flops,
 * which PyTorch cannot express (backends/blas/README.md). Constructing it and asking {@link #unavailableReason}
 * load no native code; {@link #open} does.
 */
public final class BlasBackendProvider implements BackendProvider {
    static final String NAME = "blas";
    static final int RANK = 20;

    /** Where the native libraries are looked for (this class's loader, except in tests). */
    private final ClassLoader resources;
    /** This CPU's feature flags where the system lists them (Linux), for the bf16 check. */
    private final Optional<String> cpuFlags;

    public BlasBackendProvider() {
        this(BlasBackendProvider.class.getClassLoader(), Bf16Support.cpuFlags(Path.of("/proc/cpuinfo")));
    }

    BlasBackendProvider(ClassLoader resources, Optional<String> cpuFlags) {
        this.resources = resources;
        this.cpuFlags = cpuFlags;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "OpenBLAS on the CPU: Gram sums by ssyrk, quadratic forms by strmm, tiles by sgemm; float32, "
                + "or bf16 by oneDNN's matmul where the CPU has BF16 dot products";
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Optional<String> unavailableReason(BackendSettings settings) {
        if (settings.device() == Device.CUDA) {
            return Optional.of("the blas backend computes on the CPU only; --device cuda needs a GPU backend");
        }
        try {
            Optional<String> missing = NativeFiles.missing(resources, NativeFiles.platform());
            if (missing.isEmpty() && settings.precision() == ComputePrecision.BF16) {
                return Bf16Support.unavailableReason(resources, cpuFlags);
            }
            return missing;
        } catch (LinkageError e) {
            return Optional.of("javacpp (org.bytedeco:javacpp:" + Versions.JAVACPP + ") is not on the class path");
        }
    }

    @Override
    public Backend open(BackendSettings settings) {
        Optional<String> reason = unavailableReason(settings);
        if (reason.isPresent()) {
            boolean asked = settings.device() == Device.CUDA || settings.precision() == ComputePrecision.BF16;
            throw new SuperscopeException(asked ? SuperscopeException.USAGE : 1, reason.get());
        }
        OpenBlasLibrary.load();
        int threads = OpenBlasLibrary.setThreads(settings.threads());
        String description = OpenBlasLibrary.config() + "; " + OpenBlasLibrary.kernels() + "; "
                + threads + (threads == 1 ? " thread" : " threads") + "; cpu, ";
        if (settings.precision() == ComputePrecision.BF16) {
            // oneDNN runs on its own OpenMP pool, one thread per core (OMP_NUM_THREADS, if set, decides).
            OneDnn oneDnn = OneDnn.load();
            return new BlasBackend(description + "bf16 products by " + oneDnn.describe() + " (OpenMP threads)", oneDnn);
        }
        return new BlasBackend(description + "float32", null);
    }
}
