/**
 * The Java side of the analyzers' passes, the same whatever backend computes the products: the row scan
 * (norms, row states, column sums; {@link dev.superscope.analyzers.scan.RowScan}) over row blocks read
 * in parallel ({@link dev.superscope.analyzers.scan.RowBlocks}), unit and centred unit rows built in
 * float64 and rounded once to float32 ({@link dev.superscope.analyzers.scan.UnitRows}), and the pairwise
 * scan ({@link dev.superscope.analyzers.scan.CosineScan}), which has the backend multiply tiles of unit
 * rows and folds each tile into the pairwise statistics in one fused pass
 * ({@link dev.superscope.analyzers.scan.CosineTileKernel}).
 *
 * <p>Everything here streams: a block's mapping is released as soon as the block is read, the backend's
 * copies live in a scope closed with the block, and no n x n matrix is ever formed.
 */
package dev.superscope.analyzers.scan;
