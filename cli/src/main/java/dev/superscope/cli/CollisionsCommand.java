package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.collisions.Collisions;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.reports.RowSelection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code superscope collisions}: the most similar token pairs of one matrix and its collapsed groups. */
@Command(name = "collisions", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the K most similar token pairs of one matrix by |cos|, with their strings, and the "
                + "groups of tokens collapsed onto one another (one exact O(n^2 m) pairwise scan; nothing is written).")
final class CollisionsCommand extends Subcommand {
    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory or file, or a hub id (org/name[@revision]).")
    String checkpoint;

    @Option(names = "--top", paramLabel = "K", defaultValue = "20",
            description = "Pairs to list, most similar first (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--matrix", paramLabel = "WHICH", defaultValue = "unembedding",
            description = "unembedding (the LM head, default) or embedding.")
    String matrix;

    @Option(names = "--rows", paramLabel = "all|tokenizer", defaultValue = "all",
            description = "Scan every stored row (default) or only the tokenizer's ids, leaving out padding rows.")
    String rows;

    @Option(names = "--collapse-threshold", paramLabel = "COS", defaultValue = "0.99",
            description = "|cos| at or above which two rows count as collapsed onto one another (default ${DEFAULT-VALUE}).")
    double collapseThreshold;

    @Mixin
    SingleTargetOptions targetOptions;

    @Override
    public Integer call() {
        if (top < 1 || top > AnalysisOptions.MAX_TOP_PAIRS) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--top must be from 1 to "
                    + AnalysisOptions.MAX_TOP_PAIRS + ", not " + top);
        }
        MatrixKind kind = switch (matrix) {
            case "unembedding" -> MatrixKind.UNEMBEDDING;
            case "embedding" -> MatrixKind.EMBEDDING;
            default -> throw new SuperscopeException(SuperscopeException.USAGE,
                    "--matrix must be unembedding or embedding, not '" + matrix + "'");
        };
        Target target = targetOptions.target(checkpoint);
        Collisions.Report report = new Collisions(root.resolver(), root.compute(ComputePrecision.FLOAT32), progress())
                .find(target, kind, RowSelection.parse(rows), top, collapseThreshold);
        CollisionsListing.print(report, outWriter());
        return 0;
    }
}
