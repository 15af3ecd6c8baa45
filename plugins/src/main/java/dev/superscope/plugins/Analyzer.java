package dev.superscope.plugins;

import java.util.List;

/**
 * Measures one vocabulary matrix. Implementations are listed in
 * {@code META-INF/services/dev.superscope.plugins.Analyzer} and need a public no-argument constructor.
 * An analyzer never knows which file format the matrix came from, nor which compute backend runs its
 * products: it asks its {@link AnalysisContext} for the backend.
 */
public interface Analyzer {

    /** A short unique name, e.g. {@code overlap}; used by {@code --analyzers}. */
    String name();

    /** One line for {@code superscope plugins}. */
    String description();

    /** The names of the metrics {@link #analyze} returns, in order (they become CSV columns). */
    List<String> metricNames();

    /**
     * Whether {@link #analyze} computes on the backend: the pipeline then starts the backend early, in
     * the background, so that loading it overlaps with reading the checkpoint.
     */
    default boolean usesBackend() {
        return true;
    }

    /**
     * Measures {@code matrix}, reading it in row blocks.
     *
     * @param context the settings, the backend and the scans shared by the analyzers of this matrix
     * @throws BadInputException when the matrix cannot be analysed (e.g. an unsupported dtype)
     */
    AnalysisResult analyze(Matrix matrix, AnalysisContext context);
}
