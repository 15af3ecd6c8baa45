package dev.superscope.bench;

import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.Tile;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The backend's float32 GEMM rate at the pairwise scan's shape: one {@code tile x tile x m} product
 * C = A B^T of two row blocks of the memory-mapped head (the backend reads them in place), through the
 * compute seam's {@link Tile}. 2 tile^2 m flops ({@link #flops}); at the default 4096 x 4096 x 768 that is
 * 2.58e10 flops, so 70 ms/op is 368 GFLOP/s. It is the reference rate ("best sgemm in the same run") the
 * other kernels are reported against.
 */
@State(Scope.Benchmark)
public class GemmRate extends MappedHead {
    /** Rows of each of the two blocks. */
    @Param("4096")
    public int tile;

    private ComputeScope scope;
    private DeviceRows a;
    private DeviceRows b;
    private Tile product;

    /** Floating-point operations of one {@code rows x rows x cols} product: 2 rows^2 cols. */
    public static double flops(long rows, int cols) {
        return 2.0 * rows * rows * cols;
    }

    @Override
    protected long rowCount() {
        return 2L * tile;
    }

    @Override
    protected void afterOpen() {
        scope = backend().newScope();
        var matrix = freshMatrix();
        a = scope.rows(new FloatRows(matrix.rawRows(0, tile).order(ByteOrder.nativeOrder()), tile, cols));
        b = scope.rows(new FloatRows(matrix.rawRows(tile, tile).order(ByteOrder.nativeOrder()), tile, cols));
        product = scope.newTile(tile, tile);
    }

    @Override
    protected void beforeClose() {
        if (scope != null) {
            scope.close();
            scope = null;
        }
    }

    /** C = A B^T; one element read back so nothing is optimised away. */
    @Benchmark
    public float product() {
        FloatBuffer c = product.multiply(a, b);
        return c.get(c.limit() - 1);
    }

    /** The last product, for tests. */
    float[] lastProduct() {
        FloatBuffer c = product.multiply(a, b);
        float[] out = new float[tile * tile];
        c.get(0, out);
        return out;
    }
}
