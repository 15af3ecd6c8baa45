package dev.superscope.cli;

import dev.superscope.checkpoints.hub.ConsoleDownloadProgress;
import dev.superscope.checkpoints.hub.HubSettings;
import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.pipeline.cluster.ClusterJob;
import dev.superscope.pipeline.compute.ComputeSettings;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
                CollisionsCommand.class, PluginsCommand.class, LogitsCommand.class, EvalCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:bad or unsupported input",
                "4:network failure"})
public final class SuperscopeCommand implements Runnable {

    @Option(names = "--plugin-path", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Also load architecture, analyzer and backend plugins from the jars in DIR.")
    Path pluginPath;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--offline", scope = ScopeType.INHERIT, description = "Use only local files, the Hugging Face "
            + "cache and Superscope's tensor cache; never download (as HF_HUB_OFFLINE=1 does).")
    boolean offline;

    @Option(names = "--backend", paramLabel = "auto|NAME", scope = ScopeType.INHERIT, defaultValue = "auto",
            description = "Compute backend of the analyzers: auto (the fastest that can run here, default), "
                    + "blas or torch; see 'superscope plugins'.")
    String backend;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", scope = ScopeType.INHERIT, defaultValue = "auto",
            description = "Where to compute: auto (a GPU when the backend finds one, default), cpu or cuda.")
    String device;

    private Plugins plugins;
    private ModelResolver resolver;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "missing command: demo, analyze, run, inspect, collisions or plugins");
    }

    boolean debug() {
        return debug;
    }

    /** The backend choice for analyses computed in {@code precision}. */
    ComputeSettings compute(ComputePrecision precision) {
        return new ComputeSettings(backend, Device.parse(device), precision, ComputeSettings.defaultThreads());
    }

    /** The forward passes' settings in {@code precision}. */
    ForwardSettings forward(ForwardPrecision precision) {
        return new ForwardSettings(precision, Device.parse(device), ComputeSettings.defaultThreads());
    }

    /**
     * Opens what the user names: hub settings from the environment, offline when {@code --offline} is
     * given, downloads drawn on standard error.
     */
    ModelResolver resolver() {
        if (resolver == null) {
            HubSettings hub = HubSettings.fromProcess();
            if (offline) {
                hub = hub.offlineCopy();
            }
            PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
            resolver = new ModelResolver(plugins(), hub, ConsoleDownloadProgress.forConsole(err));
        }
        return resolver;
    }

    /** A cluster run ({@code --master}) of {@code settings}, with these global options. */
    ClusterJob clusterJob(String master, AuditSettings settings, ProgressListener progress) {
        return new ClusterJob(master, settings, resolver(), pluginPath, offline, debug, progress);
    }

    /** The plugins of the class path and of --plugin-path, found once per process. */
    Plugins plugins() {
        if (plugins == null) {
            plugins = pluginPath == null ? Plugins.discover(Main.class.getClassLoader()) : Plugins.discover(pluginPath);
        }
        return plugins;
    }
}
