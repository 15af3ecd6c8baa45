package dev.superscope.cli;

import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.ModelLoader;
import dev.superscope.plugins.Plugins;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code superscope plugins}: every loader and analyzer found, with a one-line description. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every loader and analyzer found (class path and --plugin-path).")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    SuperscopeCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Plugins plugins = root.plugins();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Loaders:");
        for (ModelLoader l : plugins.loaders().values()) {
            out.printf("  %-14s %s  [%s]%n", Main.safeLine(l.name()), Main.safeLine(l.description()),
                    l.getClass().getName());
        }
        out.println("Analyzers:");
        for (Analyzer a : plugins.analyzers().values()) {
            out.printf("  %-14s %s  [%s]%n", Main.safeLine(a.name()), Main.safeLine(a.description()),
                    a.getClass().getName());
        }
        out.flush();
        return 0;
    }
}
