package dev.superscope.cli;

import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code superscope plugins}: every architecture, analyzer and compute backend found, one line each. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every architecture, analyzer and compute backend found (class path and --plugin-path).")
final class PluginsCommand extends Subcommand {
    @Override
    public Integer call() {
        Plugins plugins = root.plugins();
        PrintWriter out = outWriter();
        out.println("Architectures (audit; + forward: logits and eval too):");
        for (Architecture l : plugins.architectures().values()) {
            out.printf("  %-14s %s%s  [%s]%n", Main.safeLine(l.name()), Main.safeLine(l.description()), l.hasForwardPass() ? " (+ forward)" : "",
                    l.getClass().getName());
        }
        out.println("Analyzers:");
        for (Analyzer a : plugins.analyzers().values()) {
            out.printf("  %-14s %s  [%s]%n", Main.safeLine(a.name()), Main.safeLine(a.description()),
                    a.getClass().getName());
        }
        out.println("Compute backends (--backend; auto takes the highest rank that can run):");
        BackendSettings wanted = root.compute(ComputePrecision.FLOAT32).backendSettings();
        for (BackendProvider b : plugins.backends().values()) {
            String state = b.unavailableReason(wanted).map(w -> "unavailable: " + w).orElse("rank " + b.rank());
            out.printf("  %-14s %s (%s)  [%s]%n", Main.safeLine(b.name()), Main.safeLine(b.description()),
                    Main.safeLine(state), b.getClass().getName());
        }
        out.flush();
        return 0;
    }
}
