/**
 * The DJL PyTorch plumbing behind the built-in analyzers: starting the engine offline with every core
 * ({@link dev.superscope.analyzers.engine.TorchEngine}), turning row blocks of a
 * {@link dev.superscope.plugins.Matrix} into engine arrays without copying where the storage allows
 * ({@link dev.superscope.analyzers.engine.BlockReader}), accumulating m x m Gram matrices in float64
 * ({@link dev.superscope.analyzers.engine.GramAccumulator}) and scanning the upper triangle of the
 * cosine matrix block pair by block pair ({@link dev.superscope.analyzers.engine.CosineScan}).
 *
 * <p>Everything here streams: at most two row blocks and their products are alive at once, each in
 * its own {@link ai.djl.ndarray.NDManager} that is closed as soon as the block is done, so native
 * memory is returned promptly and no n x n matrix is ever formed.
 */
package dev.superscope.analyzers.engine;
