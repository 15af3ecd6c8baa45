/**
 * The CPU BLAS compute backend ({@code --backend blas}): the kernels of
 * {@link dev.superscope.plugins.compute} on OpenBLAS, taken from Maven Central
 * ({@code org.bytedeco:openblas}, native library for the {@code javacpp.platform} chosen at build time)
 * and called through javacpp; nothing is installed on the system.
 *
 * <ul>
 *   <li>Gram sums by {@code ssyrk}: each block's R^T R, upper triangle only (half a GEMM's flops), in
 *       float32, then added to a float64 accumulator ({@link dev.superscope.backend.blas.BlasGramSum}).</li>
 *   <li>Per-row quadratic forms r^T G r by one float64 Cholesky factor G = L L^T and a {@code strmm} per
 *       block (||r^T L||^2, half a GEMM), or {@code ssymm} when G is singular
 *       ({@link dev.superscope.backend.blas.QuadraticForms}).</li>
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
 * {@link dev.superscope.plugins.compute.Backend#describe()} which kernels are in use. BF16 is not offered:
 * the OpenBLAS build on Maven Central has no {@code sbgemm} (see {@link dev.superscope.backend.blas.Bf16Support}).
 */
package dev.superscope.backend.blas;
