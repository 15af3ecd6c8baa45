package dev.superscope.backend.torch;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The PyTorch backend, through DJL: float32 kernels on the CPU or a CUDA GPU. Ranked below the BLAS
 * backend on a CPU, where that is faster (bench/RESULTS.md), and above it when a CUDA build of libtorch
 * is on the class path and the machine shows an NVIDIA GPU: it is the only backend that can use one.
 */
public final class TorchBackendProvider implements BackendProvider {
    /** A class of DJL's PyTorch engine: present when the engine is on the class path. */
    private static final String ENGINE_CLASS = "ai.djl.pytorch.engine.PtEngineProvider";
    /** DJL's CUDA builds of libtorch, as the native jars name their folders (pytorch/<flavour>/<platform>/). */
    private static final String[] CUDA_FLAVOURS = {"cu118", "cu121", "cu124", "cu126", "cu128", "cu129"};

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
        return cudaBuildPresent() && Files.isDirectory(Path.of("/proc/driver/nvidia/gpus")) ? 30 : 10;
    }

    /** Above the BLAS backend only where it computes on a GPU: with {@code --device cpu} it is the slower one. */
    @Override
    public int rank(BackendSettings settings) {
        return settings.device() == Device.CPU ? 10 : rank();
    }

    /** Whether a CUDA build of libtorch is on the class path (found without loading it). */
    static boolean cudaBuildPresent() {
        ClassLoader loader = TorchBackendProvider.class.getClassLoader();
        for (String flavour : CUDA_FLAVOURS) {
            if (loader.getResource("pytorch/" + flavour + "/linux-x86_64/libtorch.so") != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * No: libtorch's static constructors run inside dlopen for about 0.6 s. Measured on the GPT-2 head: the
     * first product began at 1.36 s when the engine was started first thing in main, at 1.05 s when started
     * once the checkpoint was open.
     */
    @Override
    public boolean startsEarly() {
        return false;
    }

    @Override
    public Optional<String> unavailableReason(BackendSettings settings) {
        if (settings.precision() == ComputePrecision.BF16) {
            return Optional.of("the torch backend has no bf16 kernels (DJL 0.36 aborts the JVM on bfloat16 arrays)");
        }
        if (settings.device() == Device.CUDA && !cudaBuildPresent()) {
            return Optional.of("--device cuda needs DJL's CUDA build of libtorch (build with -Pcuda; README, \"GPUs\")");
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
        // What cannot run is refused here too, so that no backend computes in float32 while saying bf16.
        Optional<String> reason = unavailableReason(settings);
        if (reason.isPresent()) {
            throw new SuperscopeException(SuperscopeException.USAGE, reason.get());
        }
        return new TorchBackend(TorchEngine.start(settings.device(), settings.threads()), settings.precision());
    }
}
