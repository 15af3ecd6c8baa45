package dev.superscope.plugins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one analyzer measured on one matrix.
 *
 * @param analyzer the analyzer's name
 * @param metrics  scalar metrics, in the order of {@link Analyzer#metricNames()}
 * @param perToken per-row columns (e.g. {@code norm}, {@code interference}), each with one value per row
 * @param series   other arrays (e.g. a histogram's counts), by name
 */
public record AnalysisResult(String analyzer, List<Metric> metrics, Map<String, double[]> perToken,
                             Map<String, double[]> series) {

    public AnalysisResult {
        metrics = List.copyOf(metrics);
        perToken = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perToken));
        series = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(series));
    }

    /** The metric called {@code name}, if this result has it. */
    public OptionalDouble metric(String name) {
        for (Metric m : metrics) {
            if (m.name().equals(name)) {
                return OptionalDouble.of(m.value());
            }
        }
        return OptionalDouble.empty();
    }
}
