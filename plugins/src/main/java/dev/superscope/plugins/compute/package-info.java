/**
 * The compute-backend seam: the few dense kernels the analyzers need, behind one service-provider
 * interface, so that where and how they run (PyTorch on a CPU or a GPU, a BLAS on the CPU) is one
 * choice in one place.
 *
 * <p>A {@link dev.superscope.plugins.compute.BackendProvider} is found by {@link java.util.ServiceLoader}
 * and has a name and a rank, as DJL's {@code EngineProvider} does; the highest-ranked provider that can
 * run here is the default. {@link dev.superscope.plugins.compute.BackendProvider#open} gives a
 * {@link dev.superscope.plugins.compute.Backend}, and everything a backend allocates belongs to a
 * {@link dev.superscope.plugins.compute.ComputeScope}: closing a scope frees what was made in it and in
 * its children, the one rule for native memory (DJL's {@code NDManager} scoping).
 *
 * <p>The kernels: the Gram matrix of row blocks, G = sum R^T R, with its Frobenius norm and the
 * per-row quadratic forms r^T G r ({@link dev.superscope.plugins.compute.GramSum}); and tiles of row
 * products A B^T ({@link dev.superscope.plugins.compute.Tile}) that the pairwise analyzers reduce. Row
 * scans (norms, states, column sums) are memory-bound Java loops every backend shares, so they are
 * not part of the seam. Nothing here names a backend's own types.
 */
package dev.superscope.plugins.compute;
