package dev.superscope.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.analyzers.engine.TorchEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The machine's measured GEMM rate for the engine: one plain float32 A^T A of the whole n x m head
 * through DJL / PyTorch ({@code NDArray.transpose().matMul}), the engine wrapping the memory-mapped
 * tensor without a copy, as the analyzers' interference pass does. PyTorch has no symmetric rank-k
 * update, so this is a full GEMM: 2 n m^2 flops.
 *
 * <p>To convert the reported average time t (ms/op) to a rate: GFLOP/s = 2 n m^2 / (t * 1e6)
 * ({@link #flops}). For the default GPT-2-small head, 2 * 50257 * 768^2 = 5.93e10 flops, so 400 ms/op
 * is 148 GFLOP/s. The result is copied back to Java (m^2 floats, about 0.3 % of the GEMM at that shape)
 * so nothing can be optimised away and the test can check it. numpy's {@code w.T @ w} (bench/bench.py's
 * "GEMM rate") runs as ssyrk, about half these multiply-adds, so its rate counted as 2 n m^2 flops is
 * an effective one and comes out higher than this.
 *
 * <p>The head is wrapped as one block, so it must be under 2 GiB (n m &lt; 5.3e8 floats).
 */
@State(Scope.Benchmark)
public class GemmRate extends MappedHead {
    /** Rows n (GPT-2 small's vocabulary by default). */
    @Param("50257")
    public long rows;

    private NDManager manager;
    /** The mapping the engine array reads: held so it is not unmapped while the engine uses it. */
    private ByteBuffer mapped;
    private NDArray head;

    /** Floating-point operations of one n x m A^T A: 2 n m^2. */
    public static double flops(long rows, int cols) {
        return 2.0 * rows * cols * cols;
    }

    @Override
    protected long rowCount() {
        return rows;
    }


    @Override
    protected void afterOpen() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("the engine can only wrap the little-endian file on a little-endian machine");
        }
        manager = TorchEngine.get().newManager();
        mapped = freshMatrix().rawRows(0, Math.toIntExact(rows)).order(ByteOrder.nativeOrder());
        head = manager.create(mapped, new Shape(rows, cols), DataType.FLOAT32);
    }

    @Override
    protected void beforeClose() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
        head = null;
        mapped = null;
    }

    /** G = A^T A (m x m, row-major float32). */
    @Benchmark
    public float[] transposeTimesSelf() {
        try (NDArray t = head.transpose(); NDArray g = t.matMul(head)) {
            return g.toFloatArray();
        }
    }
}
