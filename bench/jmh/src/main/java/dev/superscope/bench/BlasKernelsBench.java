package dev.superscope.bench;

import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.plugins.compute.Tile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The kernels of the {@code blas} compute backend (OpenBLAS), through the backend SPI, on the mapped head
 * read in place (F32 blocks are direct buffers: no copy):
 *
 * <ul>
 *   <li>{@link #gram()}: G += R^T R for every {@code blockRows}-row block by {@code ssyrk} (with the
 *       float64 accumulation of each block), and ||G||_F^2. True flops n m^2 ({@link #gramFlops}).</li>
 *   <li>{@link #quadraticForms()}: r^T G r for every row, one {@code strmm} per block against the G summed
 *       at setup. True flops n m^2 ({@link #quadraticFormFlops}).</li>
 *   <li>{@link #tile()}: a {@code tileRows} x {@code tileRows} tile A B^T of two different blocks of the
 *       head by {@code sgemm}: 2 t^2 m flops ({@link #tileFlops}). At m = 8192 this is the best plain
 *       {@code sgemm} rate of the run, the reference the others are read against.</li>
 *   <li>{@link #diagonalTile()}: the diagonal tile A A^T by {@code ssyrk} and a mirror: t^2 m true flops,
 *       timed against the same product as a plain {@code sgemm} in {@link #tile()}'s units.</li>
 * </ul>
 *
 * <p>Rates: GFLOP/s = flops / (t_ms * 1e6). The head needs at least 2 {@code tileRows} rows. OpenBLAS
 * honours {@code OPENBLAS_CORETYPE} from the environment (forks inherit it), so run the same command with
 * and without it, e.g. {@code env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE bench/jmh/run ...}; the trial's
 * first line on standard error says which kernels ran.
 */
@State(Scope.Benchmark)
public class BlasKernelsBench extends MappedHead {
    /** Rows n of the head. */
    @Param("16384")
    public long rows;
    /** Rows per block for the Gram sum and the quadratic forms. */
    @Param("4096")
    public int blockRows;
    /** Rows (and columns) of a tile. */
    @Param("4096")
    public int tileRows;

    private Backend backend;
    private ComputeScope scope;
    private final List<DeviceRows> blocks = new ArrayList<>();
    private GramSum summed;
    private GramSum accumulating;
    private Tile tileBuffer;
    private DeviceRows left;
    private DeviceRows right;

    /** True flops of a Gram sum of n x m rows by ssyrk: n m^2. */
    public static double gramFlops(long rows, int cols) {
        return (double) rows * cols * cols;
    }

    /** True flops of the quadratic forms of n rows by one triangular product each: n m^2. */
    public static double quadraticFormFlops(long rows, int cols) {
        return (double) rows * cols * cols;
    }

    /** Flops of a t x t tile of width m as a GEMM: 2 t^2 m (an ssyrk diagonal tile does half). */
    public static double tileFlops(int tileRows, int cols) {
        return 2.0 * tileRows * tileRows * cols;
    }

    @Override
    protected long rowCount() {
        return rows;
    }

    @Override
    protected void afterOpen() {
        if (rows < 2L * tileRows) {
            throw new IllegalArgumentException("the head needs at least two tiles of rows: " + rows + " < 2 x " + tileRows);
        }
        BackendProvider provider = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("blas")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the blas backend is not on the class path"));
        backend = provider.open(new BackendSettings(Device.CPU, ComputePrecision.FLOAT32, Runtime.getRuntime().availableProcessors()));
        System.err.println("blas backend: " + backend.describe());
        scope = backend.newScope();
        Matrix matrix = freshMatrix();
        for (long first = 0; first < rows; first += blockRows) {
            int count = (int) Math.min(blockRows, rows - first);
            blocks.add(scope.rows(new FloatRows(matrix.rawRows(first, count), count, cols)));
        }
        summed = scope.newGram(cols);
        for (DeviceRows block : blocks) {
            summed.add(block);
        }
        summed.quadraticForms(scope.rows(new FloatRows(matrix.rawRows(0, 1), 1, cols)));
        accumulating = scope.newGram(cols);
        tileBuffer = scope.newTile(tileRows, tileRows);
        left = scope.rows(new FloatRows(matrix.rawRows(0, tileRows), tileRows, cols));
        right = scope.rows(new FloatRows(matrix.rawRows(tileRows, tileRows), tileRows, cols));
    }

    @Override
    protected void beforeClose() {
        blocks.clear();
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /**
     * Adds every block to a Gram sum made at setup, and returns ||G||_F^2. The sum grows from one
     * invocation to the next (the rate does not care); a new sum per invocation would time allocating and
     * zeroing m^2 x 12 bytes (768 MB at m = 8192), which a real run does once per matrix.
     */
    @Benchmark
    public double gram() {
        for (DeviceRows block : blocks) {
            accumulating.add(block);
        }
        return accumulating.frobeniusSquared();
    }

    /** The sum over every row of r^T G r. */
    @Benchmark
    public double quadraticForms() {
        double total = 0;
        for (DeviceRows block : blocks) {
            for (double q : summed.quadraticForms(block)) {
                total += q;
            }
        }
        return total;
    }

    /** A tile of two different blocks (sgemm); returns one entry so nothing is optimised away. */
    @Benchmark
    public float tile() {
        FloatBuffer c = tileBuffer.multiply(left, right);
        return c.get(c.limit() - 1);
    }

    /** The diagonal tile of one block (ssyrk and a mirror). */
    @Benchmark
    public float diagonalTile() {
        FloatBuffer c = tileBuffer.multiply(left, left);
        return c.get(c.limit() - 1);
    }

    /** The block rows, in order (for the test). */
    List<DeviceRows> blocks() {
        return blocks;
    }
}
