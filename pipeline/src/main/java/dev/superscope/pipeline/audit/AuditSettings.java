package dev.superscope.pipeline.audit;

import dev.superscope.pipeline.compute.ComputeSettings;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.reports.RowSelection;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an audit measures: which matrices, which analyzers, which rows, the represented-row threshold,
 * and on which compute backend.
 *
 * @param kinds     the matrices, in order
 * @param analyzers analyzer names, in order
 * @param rows      every stored row, or the tokenizer's only
 * @param tau       a row is represented when its norm is at least tau x the 90th-percentile norm
 * @param compute   the backend choice
 * @param collapseThreshold |cos| at or above which the pairwise scan counts two rows as collapsed
 */
public record AuditSettings(List<MatrixKind> kinds, List<String> analyzers, RowSelection rows, double tau,
                            ComputeSettings compute, double collapseThreshold) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The analyzers run unless others are named. */
    public static final String DEFAULT_ANALYZERS = "norms,overlap";
    /** Every built-in analyzer, as the demo runs them. */
    public static final String ALL_ANALYZERS = "norms,overlap,pairwise,decode-error";

    /** Settings with the default collapse threshold ({@link AnalysisOptions#DEFAULT_COLLAPSE_THRESHOLD}). */
    public AuditSettings(List<MatrixKind> kinds, List<String> analyzers, RowSelection rows, double tau,
                         ComputeSettings compute) {
        this(kinds, analyzers, rows, tau, compute, AnalysisOptions.DEFAULT_COLLAPSE_THRESHOLD);
    }

    public AuditSettings {
        kinds = List.copyOf(kinds);
        analyzers = List.copyOf(analyzers);
        if (kinds.isEmpty()) {
            throw new SuperscopeException(SuperscopeException.USAGE, "no matrix to analyse");
        }
        if (analyzers.isEmpty()) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--analyzers names no analyzer");
        }
        // tau and the collapse threshold are refused here, before any model is opened or fetched.
        AnalysisOptions.of(tau, collapseThreshold);
    }

    /** The same measurements computed as {@code newCompute} says (a cluster task: with its own cores). */
    public AuditSettings withCompute(ComputeSettings newCompute) {
        return new AuditSettings(kinds, analyzers, rows, tau, newCompute, collapseThreshold);
    }

    /** The analyzers' options for these settings. */
    public AnalysisOptions analysisOptions() {
        return AnalysisOptions.of(tau, collapseThreshold);
    }

    /** {@code unembedding}, {@code embedding} or {@code both}, as {@code --matrix} takes them. */
    public static List<MatrixKind> parseKinds(String matrix) {
        return switch (matrix) {
            case "unembedding" -> List.of(MatrixKind.UNEMBEDDING);
            case "embedding" -> List.of(MatrixKind.EMBEDDING);
            case "both" -> List.of(MatrixKind.UNEMBEDDING, MatrixKind.EMBEDDING);
            default -> throw new SuperscopeException(SuperscopeException.USAGE,
                    "--matrix must be unembedding, embedding or both, not '" + matrix + "'");
        };
    }

    /** The distinct names of a comma-separated list, in order. */
    public static List<String> parseAnalyzers(String list) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return new ArrayList<>(names);
    }
}
