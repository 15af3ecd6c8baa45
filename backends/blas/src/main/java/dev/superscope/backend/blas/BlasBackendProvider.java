package dev.superscope.backend.blas;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;

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

    public BlasBackendProvider() {
        this(BlasBackendProvider.class.getClassLoader());
    }

    BlasBackendProvider(ClassLoader resources) {
        this.resources = resources;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "OpenBLAS on the CPU: Gram sums by ssyrk, quadratic forms by Cholesky and strmm, tiles by sgemm; float32";
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
        if (settings.precision() == ComputePrecision.BF16) {
            return Optional.of(Bf16Support.UNAVAILABLE);
        }
        try {
            return NativeFiles.missing(resources, NativeFiles.platform());
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
                + threads + (threads == 1 ? " thread" : " threads") + "; cpu, float32";
        return new BlasBackend(description);
    }
}
