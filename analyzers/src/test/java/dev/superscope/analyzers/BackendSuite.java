package dev.superscope.analyzers;

import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.testing.TestBackends;
import java.util.Map;
import org.junit.jupiter.params.Parameter;

/**
 * A test class that runs once per compute backend on the class path (each subclass is annotated
 * {@code @ParameterizedClass @MethodSource("dev.superscope.testing.TestBackends#names")}): the analyzers'
 * brute-force and closed-form suites hold on every backend.
 */
abstract class BackendSuite {
    @Parameter
    String backendName;

    /** The backend of this run. */
    Backend backend() {
        return TestBackends.open(backendName);
    }

    /**
     * Options reading {@code rows} rows at a time (tau 0.5; the pairwise scan's cosine histogram in 200 bins,
     * which the analyzers that do not report it ignore).
     */
    static AnalysisOptions blocks(int rows) {
        return new AnalysisOptions(0.5, rows, 200, Map.of());
    }

    /** A fresh context for one matrix on this run's backend. */
    AnalysisContext context(AnalysisOptions options) {
        return new AnalysisContext(options, this::backend);
    }

    /** {@code analyzer} on {@code matrix} in a fresh context (nothing shared with earlier calls). */
    AnalysisResult analyze(Analyzer analyzer, Matrix matrix, AnalysisOptions options) {
        return analyzer.analyze(matrix, context(options));
    }
}
