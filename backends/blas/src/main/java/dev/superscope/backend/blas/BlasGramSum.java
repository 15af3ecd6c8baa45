package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.GramSum;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_full;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * G = sum of R^T R by {@code ssyrk} (under bf16, by oneDNN's BF16 matmul, panel by panel on and above the diagonal): each block's product, upper triangle only (n m^2 flops, half a
 * GEMM's), into a float32 m x m scratch, then added to a float64 accumulator, so the error over a head of
 * any length is one block's float32 rounding. Only the upper triangle (row-major: column >= row) of either
 * matrix is ever written or read; {@link #toArray()} mirrors it.
 */
final class BlasGramSum implements GramSum {
    /** Largest m whose m x m matrix a Java buffer can index (m^2 < 2^31). */
    static final int MAX_COLS = 46340;

    private final BlasScope scope;
    private final int cols;
    private final NativeAllocation sum;
    private final DoubleBuffer sumView;
    private long rows;
    /** H for the quadratic forms, made at their first call after the last add. */
    private QuadraticForms forms;

    BlasGramSum(BlasScope scope, int cols) {
        if (cols < 1 || cols > MAX_COLS) {
            throw new IllegalArgumentException("a Gram sum needs 1 <= m <= " + MAX_COLS + ", not " + cols);
        }
        this.scope = scope;
        this.cols = cols;
        int square = cols * cols;
        this.sum = scope.allocateDoubles(square, "an " + cols + " x " + cols + " float64 Gram sum");
        this.sumView = sum.doubleBuffer(square);
        Pointer.memset(sum.doublePointer(), 0, sum.bytes());
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void add(DeviceRows block) {
        BlasRows r = rowsOf(block);
        scope.checkOpen();
        if (r.rows() == 0) {
            return;
        }
        // The block product lives in the scope's scratch, shared by every Gram sum of the scope (the raw
        // and centred sums of an overlap pass: 256 MB at m = 8192) and given back once the forms start.
        NativeAllocation product = scope.scratchFloats((long) cols * cols);
        FloatPointer blockProduct = product.floatPointer();
        FloatBuffer blockView = product.floatBuffer(cols * cols);
        if (r.isBf16()) {
            Bf16Products.gramUpper(scope.oneDnn(), r.bf16Pointer(), r.rows(), cols, blockProduct);
        } else {
            openblas_full.cblas_ssyrk(openblas_full.CblasRowMajor, openblas_full.CblasUpper, openblas_full.CblasTrans,
                    cols, r.rows(), 1f, r.pointer(), cols, 0f, blockProduct, cols);
        }
        for (int i = 0; i < cols; i++) {
            int at = i * cols + i;
            for (int j = i; j < cols; j++, at++) {
                sumView.put(at, sumView.get(at) + blockView.get(at));
            }
        }
        rows += r.rows();
        if (forms != null) {
            forms.free();
            forms = null;
        }
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public double frobeniusSquared() {
        scope.checkOpen();
        double diagonal = 0;
        double offDiagonal = 0;
        for (int i = 0; i < cols; i++) {
            int at = i * cols + i;
            double d = sumView.get(at);
            diagonal += d * d;
            for (int j = i + 1; j < cols; j++) {
                double v = sumView.get(++at);
                offDiagonal += v * v;
            }
        }
        return diagonal + 2 * offDiagonal;
    }

    @Override
    public double[] quadraticForms(DeviceRows block) {
        BlasRows r = rowsOf(block);
        scope.checkOpen();
        if (forms == null) {
            scope.freeScratch();
            forms = QuadraticForms.of(scope, sumView, cols);
        }
        return forms.of(r);
    }

    @Override
    public double[] toArray() {
        scope.checkOpen();
        double[] g = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            for (int j = i; j < cols; j++) {
                double v = sumView.get(i * cols + j);
                g[i * cols + j] = v;
                g[j * cols + i] = v;
            }
        }
        return g;
    }

    private BlasRows rowsOf(DeviceRows block) {
        BlasRows r = scope.accept(block);
        if (r.cols() != cols) {
            throw new IllegalArgumentException("rows of width " + r.cols() + " for a Gram sum of width " + cols);
        }
        return r;
    }
}
