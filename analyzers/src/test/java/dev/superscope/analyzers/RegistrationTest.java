package dev.superscope.analyzers;

import org.junit.jupiter.params.provider.MethodSource;

import org.junit.jupiter.params.ParameterizedClass;

import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.Plugins;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class RegistrationTest extends BackendSuite {
    @Test
    void theFourAnalyzersAreDiscoveredByName() {
        Plugins plugins = Plugins.discover(getClass().getClassLoader());
        assertEquals(List.of("decode-error", "norms", "overlap", "pairwise"), List.copyOf(plugins.analyzers().keySet()));
        for (Analyzer a : plugins.analyzers().values()) {
            assertFalse(a.description().isBlank());
            assertFalse(a.description().contains("\n"));
        }
    }

    @Test
    void everyAnalyzerReturnsItsDeclaredMetricsInOrder() {
        Matrix matrix = TestMatrices.of(DType.BF16, TestMatrices.gaussian(40, 6, 1, 1.0));
        for (Analyzer a : Plugins.discover(getClass().getClassLoader()).analyzers().values()) {
            AnalysisResult result = analyze(a, matrix, AnalysisOptions.defaults());
            assertEquals(a.name(), result.analyzer());
            assertEquals(a.metricNames(), result.metrics().stream().map(m -> m.name()).toList(), a.name());
            for (double[] column : result.perToken().values()) {
                assertEquals(40, column.length, a.name() + " per-token column has one value per row");
            }
        }
    }
}
