package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.Tile;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;

import java.nio.FloatBuffer;

/**
 * C = A B^T into one output buffer allocated with the tile (maxRows x maxCols floats) and reused by
 * every call. Off-diagonal tiles are one {@code sgemm}; a diagonal tile (the same rows object twice) is
 * {@code ssyrk}, its upper triangle (half the flops), then mirrored in Java because the caller reads both
 * triangles: 4096 x 4096 tiles took 0.6x the time of {@code sgemm} at m = 8192 and 0.8x at m = 768, the
 * mirror included (backends/blas/README.md). Two views of the same memory are two objects and take {@code sgemm}.
 * Under bf16 every tile is one oneDNN BF16 matmul.
 */
final class BlasTile implements Tile {
    /** Side of the square blocks the mirror copies, so reads and writes both stay in cache. */
    private static final int MIRROR_BLOCK = 64;

    private final BlasScope scope;
    private final int maxRows;
    private final int maxCols;
    private final FloatPointer out;
    private final FloatBuffer outView;

    BlasTile(BlasScope scope, int maxRows, int maxCols) {
        if (maxRows < 1 || maxCols < 1 || (long) maxRows * maxCols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tile needs 1 <= rows, cols and rows * cols < 2^31, not "
                    + maxRows + " x " + maxCols);
        }
        this.scope = scope;
        this.maxRows = maxRows;
        this.maxCols = maxCols;
        int size = maxRows * maxCols;
        NativeAllocation output = scope.allocateFloats(size, "a " + maxRows + " x " + maxCols + " tile");
        this.out = output.floatPointer();
        this.outView = output.floatBuffer(size);
    }

    @Override
    public FloatBuffer multiply(DeviceRows a, DeviceRows b) {
        BlasRows left = scope.accept(a);
        BlasRows right = scope.accept(b);
        if (left.cols() != right.cols()) {
            throw new IllegalArgumentException("rows of width " + left.cols() + " and " + right.cols() + " cannot be multiplied");
        }
        int k = left.rows();
        int l = right.rows();
        if (k > maxRows || l > maxCols) {
            throw new IllegalArgumentException("a " + k + " x " + l + " product does not fit a " + maxRows + " x " + maxCols + " tile");
        }
        int m = left.cols();
        if (k > 0 && l > 0) {
            if (left.isBf16()) {
                scope.oneDnn().multiply(k, m, l, left.bf16Pointer(), m, 1, right.bf16Pointer(), 1, m, out, l);
            } else if (a == b) {
                openblas_full.cblas_ssyrk(openblas_full.CblasRowMajor, openblas_full.CblasUpper, openblas_full.CblasNoTrans,
                        k, m, 1f, left.pointer(), m, 0f, out, k);
                mirrorUpper(k);
            } else {
                openblas_full.cblas_sgemm(openblas_full.CblasRowMajor, openblas_full.CblasNoTrans, openblas_full.CblasTrans,
                        k, l, m, 1f, left.pointer(), m, right.pointer(), m, 0f, out, l);
            }
        }
        FloatBuffer view = outView.duplicate();
        view.position(0).limit(k * l);
        return view;
    }

    /** Copies the upper triangle of the k x k row-major result onto its lower triangle, block by block. */
    private void mirrorUpper(int k) {
        FloatBuffer c = outView;
        for (int bi = 0; bi < k; bi += MIRROR_BLOCK) {
            int iEnd = Math.min(k, bi + MIRROR_BLOCK);
            for (int bj = bi; bj < k; bj += MIRROR_BLOCK) {
                int jEnd = Math.min(k, bj + MIRROR_BLOCK);
                for (int i = bi; i < iEnd; i++) {
                    for (int j = Math.max(bj, i + 1); j < jEnd; j++) {
                        c.put(j * k + i, c.get(i * k + j));
                    }
                }
            }
        }
    }
}
