package dev.superscope.cli;

import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.reports.RowSelection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options shared by {@code analyze}, {@code run} and {@code demo}: which matrices, analyzers and rows. */
final class AnalysisSettings {
    static final String DEFAULT_ANALYZERS = "norms,overlap";

    @Option(names = "--matrix", paramLabel = "WHICH", defaultValue = "unembedding",
            description = "unembedding (the LM head, default), embedding, or both.")
    String matrix;

    @Option(names = "--analyzers", paramLabel = "A,B", defaultValue = DEFAULT_ANALYZERS,
            description = "Analyzers to run (default ${DEFAULT-VALUE}; also pairwise, decode-error: O(n^2 m)). "
                    + "See 'superscope plugins'.")
    String analyzers;

    @Option(names = "--rows", paramLabel = "all|tokenizer", defaultValue = "all",
            description = "Analyse every stored row (default) or only the tokenizer's ids, leaving out padding rows.")
    String rows;

    @Option(names = "--tau", defaultValue = "0.5",
            description = "A row is represented when its norm is at least tau x the 90th-percentile norm (default ${DEFAULT-VALUE}).")
    double tau;

    List<MatrixKind> kinds() {
        return switch (matrix) {
            case "unembedding" -> List.of(MatrixKind.UNEMBEDDING);
            case "embedding" -> List.of(MatrixKind.EMBEDDING);
            case "both" -> List.of(MatrixKind.UNEMBEDDING, MatrixKind.EMBEDDING);
            default -> throw new SuperscopeException(SuperscopeException.USAGE,
                    "--matrix must be unembedding, embedding or both, not '" + matrix + "'");
        };
    }

    RowSelection rowSelection() {
        return RowSelection.parse(rows);
    }

    List<Analyzer> analyzers(Plugins plugins) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : analyzers.split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        if (names.isEmpty()) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--analyzers names no analyzer");
        }
        List<Analyzer> found = new ArrayList<>();
        for (String name : names) {
            found.add(plugins.analyzer(name));
        }
        return found;
    }
}
