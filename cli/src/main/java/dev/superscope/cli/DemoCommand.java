package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.Audit;
import dev.superscope.pipeline.audit.AuditOutcome;
import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.pipeline.demo.Demo;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.reports.RowSelection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code superscope demo}: the offline showcase. Writes two families of Hugging Face-format checkpoints
 * (strong and weak superposition) at several widths, then runs the whole pipeline on them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Offline showcase: build checkpoints of several widths in two regimes (strong and weak "
                + "superposition), audit them with every analyzer, fit against m and plot.")
final class DemoCommand extends Subcommand {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "superscope-out/demo",
            description = "Output directory (default ${DEFAULT-VALUE}); the checkpoints go to DIR/checkpoints.")
    Path out;

    @Option(names = "--vocab", defaultValue = "8192", description = "Rows n of every head (default ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--seed", defaultValue = "2025", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Measure again even when DIR already holds the results.")
    boolean force;

    @Option(names = "--collapse-threshold", paramLabel = "COS", defaultValue = "0.99",
            description = "|cos| at or above which two rows count as collapsed (default ${DEFAULT-VALUE}).")
    double collapseThreshold;

    @Override
    public Integer call() {
        if (vocab < 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vocab must be at least 2");
        }
        Progress progress = progress();
        List<Target> targets = Demo.write(out, vocab, seed, force, progress);
        AuditSettings settings = new AuditSettings(List.of(MatrixKind.UNEMBEDDING),
                AuditSettings.parseAnalyzers(AuditSettings.ALL_ANALYZERS), RowSelection.ALL, 0.5,
                root.compute(ComputePrecision.FLOAT32), collapseThreshold);
        AuditOutcome outcome = new Audit(root.resolver(), settings, progress).run(targets, out, force, true);
        return AuditReport.print(outcome, outWriter(), progress);
    }
}
