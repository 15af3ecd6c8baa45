package dev.superscope.bench;

import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The input of every benchmark: a {@link #rowCount()} x {@link #colCount()} F32 head of N(0, 0.02^2)
 * entries (a freshly initialised embedding, like bench/bench.py's), written once per trial with a fixed
 * seed as a real {@code model.safetensors} in a temporary directory and opened through
 * {@link SafetensorsStore}, so the kernels read memory-mapped row blocks exactly as
 * {@code superscope analyze} does. The directory is deleted at the end of the trial.
 *
 * <p>The benchmark settings every family shares (average time in ms, 3 warm-up and 5 measured
 * iterations, one fork with DJL's offline switches) and the width {@code cols} are declared here;
 * subclasses declare their own {@code rows} (so each family keeps its own default length) and prepare
 * their inputs in {@link #afterOpen()}: one {@code @Setup} here fixes the order (file first).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true"})
@State(Scope.Benchmark)
public abstract class MappedHead {
    /** Columns m (GPT-2 small's width by default). */
    @Param("768")
    public int cols;

    /** The compute backend the kernels run on ({@code blas}, {@code torch}). */
    @Param({"blas", "torch"})
    public String backend;

    private Backend opened;

    static {
        // DJL reports usage and looks for downloads unless told otherwise before its classes load; the
        // runner script and every @Fork set these too, this covers a fork started some other way.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    /** The tensor's name in the written file (GPT-2's tied embedding). */
    public static final String TENSOR = "transformer.wte.weight";
    /** Seed of the entries: every trial, fork and machine reads the same matrix. */
    public static final long SEED = 7;
    private static final double SCALE = 0.02;

    private Path directory;
    private Path file;
    private SafetensorsStore store;

    /** Rows n of the head. */
    protected abstract long rowCount();

    /** Columns m of the head. */
    protected int colCount() {
        return cols;
    }

    /** The benchmark's backend, opened on first use (on the CPU, one thread per processor) and closed with the head. */
    protected Backend backend() {
        if (opened == null) {
            BackendSettings settings = new BackendSettings(Device.CPU, ComputePrecision.FLOAT32,
                    Runtime.getRuntime().availableProcessors());
            opened = Plugins.discover(MappedHead.class.getClassLoader()).backend(backend).open(settings);
        }
        return opened;
    }

    /** A fresh analysis context on the benchmark's backend (nothing shared with earlier invocations). */
    protected AnalysisContext context(AnalysisOptions options) {
        return new AnalysisContext(options, this::backend);
    }

    /** Prepares what the benchmark needs beyond the open file (backend inputs); nothing by default. */
    protected void afterOpen() {
    }

    /** Frees what {@link #afterOpen()} prepared, before the file closes; nothing by default. */
    protected void beforeClose() {
    }

    /** Writes the head, opens it, then runs {@link #afterOpen()}. */
    @Setup(Level.Trial)
    public final void openHead() throws IOException {
        long rows = rowCount();
        int cols = colCount();
        directory = Files.createTempDirectory("superscope-jmh-");
        file = directory.resolve("model.safetensors");
        SplittableRandom random = new SplittableRandom(SEED);
        new SafetensorsWriter()
                .tensor(TENSOR, DType.F32, new long[] {rows, cols}, (first, count, block) -> {
                    block.order(ByteOrder.LITTLE_ENDIAN);
                    for (long k = (long) count * cols; k > 0; k--) {
                        block.putFloat((float) (SCALE * random.nextGaussian()));
                    }
                })
                .write(file);
        store = SafetensorsStore.open(file);
        afterOpen();
    }

    /** Runs {@link #beforeClose()}, closes the file and deletes it with its directory. */
    @TearDown(Level.Trial)
    public final void closeHead() throws IOException {
        try {
            beforeClose();
        } finally {
            if (opened != null) {
                opened.close();
                opened = null;
            }
            if (store != null) {
                store.close();
                store = null;
            }
            if (file != null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(directory);
            }
        }
    }

    /**
     * A new {@link Matrix} object over the mapped tensor on every call. Analyses share scans only through
     * a context (a fresh one per invocation), so an invocation that takes a fresh one
     * recomputes everything, as a new {@code superscope analyze} would; getting one only looks up the
     * header entry.
     */
    public Matrix freshMatrix() {
        return store.matrix(TENSOR);
    }

    /** The safetensors file of the current trial (gone after {@link #closeHead()}). */
    public Path file() {
        return file;
    }
}
