package dev.superscope.analyzers.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.superscope.plugins.SuperscopeException;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process-wide DJL PyTorch engine, started once, offline, on the CPU with one intra-op thread
 * per available processor.
 *
 * <p>DJL reports usage over the network and looks for newer native builds unless told not to before
 * any of its classes load; this class sets {@code OPT_OUT_TRACKING} and {@code ai.djl.offline} in its
 * static initialiser as a last line of defence (the CLI and Surefire set them earlier). The native
 * library comes from the {@code pytorch-native-cpu} jar and is unpacked to {@code ~/.djl.ai} (or
 * {@code DJL_CACHE_DIR}) on first use; nothing is downloaded.
 *
 * <p>Threads: PyTorch's intra-op pool is set to {@code Runtime.availableProcessors()} (override with
 * the system property {@code superscope.threads}), so every GEMM and reduction uses every core.
 */
public final class TorchEngine {
    /** System property overriding the number of intra-op threads. */
    public static final String THREADS_PROPERTY = "superscope.threads";
    private static final String JNA_LIBRARY_PATH = "jna.platform.library.path";

    static {
        // Before any DJL class is initialised: no usage reporting, no download attempts.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        // DJL looks for a CUDA runtime through JNA, whose first use on Linux runs `ldconfig -p` in a child
        // process to learn the library path (a tenth of a second of start-up). The engine here is the CPU
        // build, so the system directories are enough; a path the user set is kept.
        if (System.getProperty(JNA_LIBRARY_PATH) == null) {
            System.setProperty(JNA_LIBRARY_PATH, "/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib");
        }
    }

    private static volatile TorchEngine instance;
    private static final AtomicBoolean warming = new AtomicBoolean();

    private final Engine engine;
    private final int threads;

    private TorchEngine(Engine engine, int threads) {
        this.engine = engine;
        this.threads = threads;
    }

    /**
     * The engine, started on first call (this takes a few seconds the very first time, while the
     * native library is unpacked).
     *
     * @throws SuperscopeException when the native library cannot be loaded
     */
    public static TorchEngine get() {
        TorchEngine e = instance;
        if (e == null) {
            synchronized (TorchEngine.class) {
                e = instance;
                if (e == null) {
                    e = start();
                    instance = e;
                }
            }
        }
        return e;
    }

    /**
     * Starts the engine on a background thread, at most once per process, so that loading the native
     * library (over half a second) overlaps with the Java-only row scan instead of delaying the first
     * GEMM. Other threads stall on their first call of any not yet linked native method while it loads
     * (see {@link dev.superscope.analyzers.EngineWarmUp}). A failure here is silent: {@link #get} retries
     * and reports it.
     *
     * <p>The process must not exit while PyTorch is still initialising (its static destructors would
     * run under the loading thread and crash the JVM), so a shutdown hook waits for the start to finish.
     */
    public static void startInBackground() {
        if (instance != null || !warming.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                // The first operator call sets up PyTorch's thread pool and kernels: do that here too.
                try (NDManager manager = get().newManager(); NDArray a = manager.ones(new Shape(64, 64));
                     NDArray p = a.matMul(a)) {
                    p.toFloatArray();
                }
            } catch (RuntimeException | LinkageError ignored) {
                // get() on the analysing thread starts again and reports the failure
            }
        }, "superscope-engine-start");
        t.setDaemon(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "superscope-engine-start-wait"));
        t.start();
    }

    private static TorchEngine start() {
        int threads = requestedThreads();
        try {
            Engine engine = Engine.getEngine("PyTorch");
            JniUtils.setNumThreads(threads);
            return new TorchEngine(engine, JniUtils.getNumThreads());
        } catch (RuntimeException | LinkageError e) {
            throw new SuperscopeException(1, "cannot start the PyTorch compute engine: "
                    + EngineFailures.oneLine(e), e);
        }
    }

    private static int requestedThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the usage error below
        }
        throw new SuperscopeException(SuperscopeException.USAGE,
                THREADS_PROPERTY + " must be a positive integer, not \"" + value + "\"");
    }

    /** The PyTorch version behind the engine (e.g. {@code 2.7.1}). */
    public String version() {
        return engine.getVersion();
    }

    /** Intra-op threads the engine computes with. */
    public int threads() {
        return threads;
    }

    /** One line for logs and {@code superscope plugins}: engine, version, device and threads. */
    public String describe() {
        return "DJL " + Engine.getDjlVersion() + " / PyTorch " + version() + " on " + Device.cpu()
                + ", " + threads + " threads";
    }

    /** A new root manager on the CPU; close it (or let a try-with-resources do so) to free its arrays. */
    public NDManager newManager() {
        return NDManager.newBaseManager(Device.cpu(), engine.getEngineName());
    }
}
