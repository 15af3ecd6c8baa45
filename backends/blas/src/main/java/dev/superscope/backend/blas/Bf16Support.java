package dev.superscope.backend.blas;

/**
 * Why this backend offers no {@code bf16} precision. OpenBLAS has a BF16 GEMM ({@code cblas_sbgemm}:
 * bfloat16 inputs, float32 accumulation) only when built with {@code BUILD_BFLOAT16}; the build javacpp
 * publishes on Maven Central is not (its {@code libopenblas.so.0} exports no {@code sbgemm} symbol), and
 * its Java binding skips {@code cblas_sbgemm} and the other bfloat16 functions. Rounding the rows to
 * bfloat16 and multiplying them with {@code sgemm} would give BF16's error at float32's speed, so the
 * precision is refused instead. {@code BlasBf16Test} fails when a new release gains the function.
 */
final class Bf16Support {
    static final String UNAVAILABLE = "the blas backend has no bf16 precision: the OpenBLAS build on Maven Central "
            + "(org.bytedeco:openblas:" + Versions.OPENBLAS + ") has no sbgemm (BF16 GEMM); use --precision float32, "
            + "or a backend that has one";

    private Bf16Support() {
    }
}
