package dev.superscope.analyzers;

import dev.superscope.plugins.Analyzer;
import java.util.List;

/**
 * What every built-in analyzer says about itself, fixed when it is made: its name, its one-line
 * description and the metrics it returns. Subclasses pass them to the constructor and implement only the
 * measuring.
 */
abstract class BuiltInAnalyzer implements Analyzer {
    private final String name;
    private final String description;
    private final List<String> metricNames;

    BuiltInAnalyzer(String name, String description, List<String> metricNames) {
        this.name = name;
        this.description = description;
        this.metricNames = List.copyOf(metricNames);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final List<String> metricNames() {
        return metricNames;
    }
}
