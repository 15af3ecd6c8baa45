/**
 * JMH benchmarks of Superscope's compute kernels, one class per kernel family: the engine's plain
 * float32 GEMM ({@link dev.superscope.bench.GemmRate}, the machine's measured GEMM rate), the Java row
 * scan ({@link dev.superscope.bench.RowScanBench}), the Gram matrices behind {@code overlap}
 * ({@link dev.superscope.bench.GramBench}), the O(n^2 m) cosine scan behind {@code pairwise} and
 * {@code decode-error} ({@link dev.superscope.bench.PairwiseBench}), and the OpenBLAS backend's kernels
 * through the compute SPI ({@link dev.superscope.bench.BlasKernelsBench}).
 *
 * <p>Every benchmark reads a Gaussian head written as a real {@code model.safetensors} and opened through
 * the safetensors store ({@link dev.superscope.bench.MappedHead}), so what is timed is the
 * memory-mapped path {@code superscope analyze} takes. Run them with {@code bench/jmh/run} (JMH's own
 * options, e.g. {@code bench/jmh/run -f 1 -wi 3 -i 5 Gram}); {@code mvn verify} only compiles them.
 */
package dev.superscope.bench;
