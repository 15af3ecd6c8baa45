package dev.superscope.backend.blas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_full;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * r^T G r for every row r of a block, with G fixed: the per-token interference pass.
 *
 * <p>G = D + S + S^T (D its diagonal, S its strict upper triangle), so r^T G r = 2 r . (r^T H) with
 * H = S + D/2, an upper-triangular matrix. H is rounded to float32 once; each block then costs one
 * {@code strmm}, R H (k m^2 flops: half a GEMM), and one float64 dot product per row ({@code dsdot}: the
 * float32 products are exact in float64). No factorisation, so a singular G (fewer rows than columns)
 * needs no other route.
 *
 * <p>Why not a Cholesky factor G = L L^T and ||r^T L||^2, the same flops: measured against float64 on
 * 8192 x 256 unit rows, L from {@code dpotrf} rounded to float32 (or from {@code spotrf}) errs by 4.9e-8
 * per row (mean; 2.5e-7 max) on isotropic rows and by 3.8e-7 (1.8e-6 max) on rows sharing a common
 * direction, as LM heads' rows do; this route errs by 1.5e-8 (7.8e-8) and 2.1e-8 (9.5e-8), as accurate
 * as {@code ssymm}'s R G at half its flops (backends/blas/README.md). {@code dsdot} doubles the error of
 * a float64 Java loop (8e-9 mean) at a quarter of its time.
 *
 * <p>Under bf16, H is rounded to bfloat16 too and R H is oneDNN matmuls over the panels on and above the
 * diagonal ({@link Bf16Products}: oneDNN has no trmm); the dot products run in Java, in float64.
 */
final class QuadraticForms {
    private final BlasScope scope;
    private final int cols;
    /** H = strict upper triangle of G plus half its diagonal, row-major float32 (lower part zero). */
    private final NativeAllocation halfGram;
    private NativeAllocation work;
    private long workFloats;

    private QuadraticForms(BlasScope scope, int cols, NativeAllocation halfGram) {
        this.scope = scope;
        this.cols = cols;
        this.halfGram = halfGram;
    }

    /** The forms for the Gram sum whose float64 upper triangle (row-major) is {@code sum}. */
    static QuadraticForms of(BlasScope scope, DoubleBuffer sum, int cols) {
        int square = cols * cols;
        boolean bf16 = scope.bf16();
        String what = "an " + cols + " x " + cols + (bf16 ? " bf16" : " float32") + " half Gram matrix";
        NativeAllocation h = bf16 ? scope.allocateBfloat16s(square, what) : scope.allocateFloats(square, what);
        FloatBuffer floats = bf16 ? null : h.floatBuffer(square);
        ShortBuffer shorts = bf16 ? h.shortBuffer(square) : null;
        for (int i = 0; i < cols; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                float v = j < i ? 0f : (float) (j == i ? sum.get(row + i) / 2 : sum.get(row + j));
                if (bf16) {
                    shorts.put(row + j, Bfloat16.round(v));
                } else {
                    floats.put(row + j, v);
                }
            }
        }
        return new QuadraticForms(scope, cols, h);
    }

    /** The forms of every row of {@code rows} (float64, one per row). */
    double[] of(BlasRows rows) {
        int k = rows.rows();
        double[] out = new double[k];
        if (k == 0) {
            return out;
        }
        long count = (long) k * cols;
        if (count > workFloats) {
            if (work != null) {
                scope.free(work);
            }
            work = scope.allocateFloats(count, "a " + k + " x " + cols + " product");
            workFloats = count;
        }
        FloatPointer product = work.floatPointer();
        if (rows.isBf16()) {
            Bf16Products.timesUpperTriangular(scope.oneDnn(), rows.bf16Pointer(), k, cols, halfGram.shortPointer(), product);
            ShortBuffer r = rows.bf16Values();
            FloatBuffer p = work.floatBuffer(Math.toIntExact(count));
            for (int i = 0; i < k; i++) {
                int at = i * cols;
                double dot = 0;
                for (int j = 0; j < cols; j++, at++) {
                    dot += (double) Bfloat16.widen(r.get(at)) * p.get(at);
                }
                out[i] = 2 * dot;
            }
            return out;
        }
        FloatPointer r = rows.pointer();
        // strmm works in place; the rows are the caller's (often a mapped file), so multiply a copy.
        Pointer.memcpy(product, r, count * Float.BYTES);
        openblas_full.cblas_strmm(openblas_full.CblasRowMajor, openblas_full.CblasRight, openblas_full.CblasUpper,
                openblas_full.CblasNoTrans, openblas_full.CblasNonUnit, k, cols, 1f, halfGram.floatPointer(), cols,
                product, cols);
        FloatPointer rowOfR = new FloatPointer(r);
        FloatPointer rowOfProduct = new FloatPointer(product);
        for (int i = 0; i < k; i++) {
            long at = (long) i * cols;
            out[i] = 2 * openblas_full.cblas_dsdot(cols, rowOfR.position(at), 1, rowOfProduct.position(at), 1);
        }
        return out;
    }

    /** Frees H and the work buffer (G changed). */
    void free() {
        scope.free(halfGram);
        if (work != null) {
            scope.free(work);
            work = null;
            workFloats = 0;
        }
    }
}
