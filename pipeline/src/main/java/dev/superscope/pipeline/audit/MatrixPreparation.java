package dev.superscope.pipeline.audit;

import dev.superscope.pipeline.Target;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;

/**
 * Work done on a matrix before its analyzers run, into the matrix's {@link AnalysisContext}: a
 * distributed runner computes the O(n^2 m) pairwise scan on a cluster and leaves its result where the
 * {@code pairwise} and {@code decode-error} analyzers look for it, so they report it as their own.
 */
@FunctionalInterface
public interface MatrixPreparation {
    /** Nothing: the analyzers compute everything themselves. */
    MatrixPreparation NONE = (target, kind, matrix, context) -> { };

    /** Prepares {@code matrix}, the {@code kind} matrix of {@code target}, as the analyzers will see it. */
    void prepare(Target target, MatrixKind kind, Matrix matrix, AnalysisContext context);
}
