package dev.superscope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code superscope demo}: the offline showcase. Writes two families of Hugging Face-format checkpoints
 * (strong and weak superposition) at several widths, then runs the whole pipeline on them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Offline showcase: build checkpoints of several widths in two regimes (strong and weak "
                + "superposition), audit them with every analyzer, fit against m and plot.")
final class DemoCommand implements Callable<Integer> {
    static final int[] WIDTHS = {32, 64, 128, 256, 512, 1024};

    @ParentCommand
    SuperscopeCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "superscope-out/demo",
            description = "Output directory (default ${DEFAULT-VALUE}); the checkpoints go to DIR/checkpoints.")
    Path out;

    @Option(names = "--vocab", defaultValue = "8192", description = "Rows n of every head (default ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--seed", defaultValue = "2025", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Measure again even when DIR already holds the results.")
    boolean force;

    @Override
    public Integer call() {
        if (vocab < 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vocab must be at least 2");
        }
        Progress progress = Progress.forConsole(spec.commandLine().getErr());
        List<AuditRun.Target> targets = new ArrayList<>();
        for (DemoFamily family : DemoFamily.values()) {
            for (int m : WIDTHS) {
                String name = family.label().split("-")[0] + "-m" + m;
                Path dir = out.resolve("checkpoints").resolve(name);
                if (force || !Files.exists(dir.resolve("model.safetensors"))) {
                    progress.start("writing checkpoint " + dir + " (" + vocab + " x " + m + ")");
                    try {
                        DemoCheckpoints.write(dir, family, vocab, m, seed);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    progress.done();
                }
                targets.add(new AuditRun.Target(name, family.label(), dir.toString(), null, Map.of()));
            }
        }
        AnalysisSettings settings = new AnalysisSettings();
        settings.matrix = "unembedding";
        settings.analyzers = "norms,overlap,pairwise,decode-error";
        settings.rows = "all";
        settings.tau = 0.5;
        return new AuditRun(root.plugins(), settings, progress, spec.commandLine().getOut())
                .run(targets, out, force, true);
    }
}
