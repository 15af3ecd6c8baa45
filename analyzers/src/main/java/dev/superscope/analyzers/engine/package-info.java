/**
 * The DJL PyTorch plumbing behind the built-in analyzers: starting the engine offline with every core
 * ({@link dev.superscope.analyzers.engine.TorchEngine}), turning row blocks of a
 * {@link dev.superscope.plugins.Matrix} into engine arrays without copying where the storage allows
 * ({@link dev.superscope.analyzers.engine.BlockReader}), the Java-only row scan (norms, row states,
 * column sums; {@link dev.superscope.analyzers.engine.RowScan}) and unit rows built in Java
 * ({@link dev.superscope.analyzers.engine.UnitRows}), accumulating m x m Gram matrices in float64 over
 * their upper block triangle only ({@link dev.superscope.analyzers.engine.SymmetricGram}) and scanning
 * the upper triangle of the cosine matrix block pair by block pair
 * ({@link dev.superscope.analyzers.engine.CosineScan}).
 *
 * <p>Everything here streams: at most two row blocks and their products are alive at once, each in
 * its own {@link ai.djl.ndarray.NDManager} that is closed as soon as the block is done, so native
 * memory is returned promptly and no n x n matrix is ever formed.
 */
package dev.superscope.analyzers.engine;
