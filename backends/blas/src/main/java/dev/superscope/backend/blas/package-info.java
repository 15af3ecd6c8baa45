/**
 * The CPU BLAS compute backend ({@code --backend blas}): the kernels of
 * {@link dev.superscope.plugins.compute} on OpenBLAS, taken from Maven Central
 * ({@code org.bytedeco:openblas}, native library for the {@code javacpp.platform} chosen at build time)
 * and called through javacpp; nothing is installed on the system.
 *
 * <ul>
 *   <li>Gram sums by {@code ssyrk}: each block's R^T R, upper triangle only (half a GEMM's flops), in
 *       float32, then added to a float64 accumulator ({@link dev.superscope.backend.blas.BlasGramSum}).</li>
 *   <li>Per-row quadratic forms r^T G r = 2 r . (r^T H), H the upper triangle of G with half its
 *       diagonal: one {@code strmm} per block (half a GEMM) and a float64 dot product per row, no
 *       factorisation, so a singular G needs no other route ({@link dev.superscope.backend.blas.QuadraticForms}).</li>
 *   <li>Tiles A B^T by {@code sgemm}, diagonal tiles by {@code ssyrk} and a mirror
 *       ({@link dev.superscope.backend.blas.BlasTile}).</li>
 * </ul>
 *
 * <p>Memory: a direct row block (a memory-mapped F32 slice) is used where it lies; a heap block is copied
 * once into native memory. Every native allocation belongs to a {@link dev.superscope.backend.blas.BlasScope}
 * and is freed when that scope (or an ancestor, or the backend) closes — never by the garbage collector.
 *
 * <p>OpenBLAS picks its kernels for the CPU at load time, unless the user's environment pins them
 * ({@code OPENBLAS_CORETYPE}); this backend never changes the environment and says in
 * {@link dev.superscope.plugins.compute.Backend#describe()} which kernels are in use.
 *
 * <p>{@code --precision bf16}: the OpenBLAS build on Maven Central has no BF16 GEMM, so the rows are
 * rounded to bfloat16 ({@link dev.superscope.backend.blas.Bfloat16}) and every product is oneDNN's matmul
 * with float32 output ({@link dev.superscope.backend.blas.OneDnn}, {@code org.bytedeco:dnnl}), offered only
 * on CPUs with BF16 dot products ({@link dev.superscope.backend.blas.Bf16Support}).
 */
package dev.superscope.backend.blas;
