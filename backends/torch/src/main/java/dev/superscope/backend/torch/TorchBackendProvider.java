package dev.superscope.backend.torch;

import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import java.util.Optional;

/**
 * The PyTorch backend, through DJL: float32 kernels on the CPU or a CUDA GPU. Ranked below the BLAS
 * backend, which is faster on CPUs (bench/RESULTS.md), and the only one that can use a GPU.
 */
public final class TorchBackendProvider implements BackendProvider {
    /** A class of DJL's PyTorch engine: present when the engine is on the class path. */
    private static final String ENGINE_CLASS = "ai.djl.pytorch.engine.PtEngineProvider";

    @Override
    public String name() {
        return "torch";
    }

    @Override
    public String description() {
        return "PyTorch through DJL: float32 Gram panels, quadratic forms and tiles on the CPU or a CUDA GPU";
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public Optional<String> unavailableReason(BackendSettings settings) {
        if (settings.precision() == ComputePrecision.BF16) {
            return Optional.of("the torch backend has no bf16 kernels (DJL 0.36 aborts the JVM on bfloat16 arrays)");
        }
        try {
            Class.forName(ENGINE_CLASS, false, TorchBackendProvider.class.getClassLoader());
            return Optional.empty();
        } catch (ClassNotFoundException e) {
            return Optional.of("DJL's PyTorch engine is not on the class path");
        }
    }

    @Override
    public Backend open(BackendSettings settings) {
        return new TorchBackend(TorchEngine.start(settings.device(), settings.threads()), settings.precision());
    }
}
