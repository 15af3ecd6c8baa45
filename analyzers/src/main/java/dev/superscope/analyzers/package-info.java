/**
 * The built-in analyzers ({@code norms}, {@code overlap}, {@code pairwise}, {@code decode-error}),
 * registered in {@code META-INF/services/dev.superscope.plugins.Analyzer}. Each reads its matrix in
 * row blocks and computes on the DJL PyTorch engine (see {@link dev.superscope.analyzers.engine}); the
 * metric definitions are those of DESIGN.md and {@code bench/reference_metrics.py}.
 */
package dev.superscope.analyzers;
