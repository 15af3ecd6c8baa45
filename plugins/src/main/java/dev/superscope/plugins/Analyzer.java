package dev.superscope.plugins;

import java.util.List;

/**
 * Measures one vocabulary matrix. Implementations are listed in
 * {@code META-INF/services/dev.superscope.plugins.Analyzer} and need a public no-argument constructor.
 * An analyzer never knows which file format the matrix came from.
 */
public interface Analyzer {

    /** A short unique name, e.g. {@code overlap}; used by {@code --analyzers}. */
    String name();

    /** One line for {@code superscope plugins}. */
    String description();

    /** The names of the metrics {@link #analyze} returns, in order (they become CSV columns). */
    List<String> metricNames();

    /**
     * Measures {@code matrix}, reading it in row blocks.
     *
     * @throws BadInputException when the matrix cannot be analysed (e.g. an unsupported dtype)
     */
    AnalysisResult analyze(Matrix matrix, AnalysisOptions options);
}
