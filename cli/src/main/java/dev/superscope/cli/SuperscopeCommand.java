package dev.superscope.cli;

import dev.superscope.plugins.Plugins;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level command: global options and the list of subcommands. */
@Command(name = "superscope", mixinStandardHelpOptions = true, version = "superscope 0.1.0",
        description = "Audits language-model checkpoints for representation superposition: row norms, overlaps "
                + "and error rates of the embedding and LM-head matrices against the width m, compared with the "
                + "1/m prediction of Liu, Liu & Gore (NeurIPS 2025).",
        subcommands = {DemoCommand.class, AnalyzeCommand.class, RunCommand.class, InspectCommand.class,
                PluginsCommand.class, LogitsCommand.class, EvalCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:bad or unsupported input",
                "4:network failure"})
public final class SuperscopeCommand implements Runnable {

    @Option(names = "--plugin-path", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Also load loader and analyzer plugins from the jars in DIR.")
    Path pluginPath;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--offline", scope = ScopeType.INHERIT, description = "Use only local files, the Hugging Face "
            + "cache and Superscope's tensor cache; never download (as HF_HUB_OFFLINE=1 does).")
    boolean offline;

    private Plugins plugins;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "missing command: demo, analyze, run, inspect or plugins");
    }

    boolean debug() {
        return debug;
    }

    boolean offline() {
        return offline;
    }

    /** The plugins of the class path and of --plugin-path, found once per process. */
    Plugins plugins() {
        if (plugins == null) {
            plugins = pluginPath == null ? Plugins.discover(Main.class.getClassLoader()) : Plugins.discover(pluginPath);
        }
        return plugins;
    }
}
