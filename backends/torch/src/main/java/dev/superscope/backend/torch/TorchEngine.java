package dev.superscope.backend.torch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Device;

/**
 * DJL's PyTorch engine on one device, offline, with one intra-op thread per requested CPU thread.
 *
 * <p>DJL reports usage over the network and looks for newer native builds unless told not to before
 * any of its classes load; this class sets {@code OPT_OUT_TRACKING} and {@code ai.djl.offline} in its
 * static initialiser as a last line of defence (the CLI, the launcher and Surefire set them earlier).
 * These are process-wide settings made once. The native library comes from the
 * {@code pytorch-native-cpu} jar (or a CUDA build, see the README) and is unpacked to {@code ~/.djl.ai}
 * (or {@code DJL_CACHE_DIR}) on first use; nothing is downloaded.
 *
 * <p>Starting is cheap after the first time in a process: DJL keeps the engine, so every
 * {@link #start} returns a handle on the same loaded library.
 */
public final class TorchEngine {
    private static final String JNA_LIBRARY_PATH = "jna.platform.library.path";

    static {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        // DJL looks for a CUDA runtime through JNA, whose first use on Linux runs `ldconfig -p` in a child
        // process to learn the library path (a tenth of a second of start-up). The system directories
        // are enough to find one; a path the user set is kept.
        if (System.getProperty(JNA_LIBRARY_PATH) == null) {
            System.setProperty(JNA_LIBRARY_PATH, "/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib");
        }
    }

    private final Engine engine;
    private final ai.djl.Device device;
    private final int threads;

    private TorchEngine(Engine engine, ai.djl.Device device, int threads) {
        this.engine = engine;
        this.device = device;
        this.threads = threads;
    }

    /**
     * Loads PyTorch (a few seconds the very first time, while the native library is unpacked; about
     * 0.6 s of static constructors in every new process) and picks the device: {@link Device#AUTO} is
     * the first GPU when PyTorch finds one, else the CPU.
     *
     * @throws SuperscopeException when the library cannot be loaded, or a GPU was asked for and none found
     */
    public static TorchEngine start(Device device, int threads) {
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch");
            JniUtils.setNumThreads(threads);
        } catch (RuntimeException | LinkageError e) {
            throw new SuperscopeException(1, "cannot start the PyTorch compute engine: " + EngineFailures.oneLine(e), e);
        }
        int gpus = engine.getGpuCount();
        ai.djl.Device chosen;
        switch (device) {
            case CUDA:
                if (gpus == 0) {
                    throw new SuperscopeException(1, "--device cuda: PyTorch finds no CUDA GPU here (the engine's "
                            + "native library must be a CUDA build, and a driver must see a GPU; see the README, \"GPUs\")");
                }
                chosen = ai.djl.Device.gpu();
                break;
            case CPU:
                chosen = ai.djl.Device.cpu();
                break;
            default:
                chosen = gpus > 0 ? ai.djl.Device.gpu() : ai.djl.Device.cpu();
        }
        return new TorchEngine(engine, chosen, JniUtils.getNumThreads());
    }

    /** The device arrays are made on. */
    public ai.djl.Device djlDevice() {
        return device;
    }

    /** The device as the compute seam names it. */
    public Device device() {
        return device.isGpu() ? Device.CUDA : Device.CPU;
    }

    /** Intra-op threads the engine computes with. */
    public int threads() {
        return threads;
    }

    /** One line for logs: engine, versions, device and threads. */
    public String describe() {
        return "DJL " + Engine.getDjlVersion() + " / PyTorch " + engine.getVersion() + " on " + device
                + ", " + threads + " threads";
    }

    /** A new root manager on the device; close it (or let a try-with-resources do so) to free its arrays. */
    public NDManager newManager() {
        return NDManager.newBaseManager(device, engine.getEngineName());
    }
}
