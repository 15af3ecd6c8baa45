package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.Audit;
import dev.superscope.pipeline.audit.AuditOutcome;
import dev.superscope.pipeline.cluster.ClusterRunners;
import dev.superscope.pipeline.models.ModelsFile;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code superscope run}: every model of a models.yaml, then fits and the plot. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Audit every model in a models.yaml; write models.csv, fits.csv, tokens/<model>.csv and "
                + "overlap_vs_inv_m.png. Finished models are skipped on a re-run, so an interrupted run resumes.")
final class RunCommand extends Subcommand {
    @Parameters(paramLabel = "MODELS_YAML", arity = "0..1", defaultValue = "models.yaml",
            description = "The models file (default ${DEFAULT-VALUE}).")
    Path modelsFile;

    @Mixin
    AnalysisSettings settings;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "superscope-out",
            description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Measure every model again, even those already in DIR/models.csv.")
    boolean force;

    @Option(names = "--master", paramLabel = "URL", description = "Audit the models as tasks on Apache Spark: "
            + "local[N], spark://host:port, yarn or k8s://... Each model is measured on an executor and recorded "
            + "here as it finishes. Needs the Spark runner (./superscope builds it on first use).")
    String master;

    @Override
    public Integer call() {
        List<Target> targets = ModelsFile.read(modelsFile).targets();
        Progress progress = progress();
        AuditOutcome outcome = master == null
                ? new Audit(root.resolver(), settings.toAudit(root), progress).run(targets, out, force, true)
                : ClusterRunners.find(Main.class.getClassLoader())
                        .auditModels(root.clusterJob(master, settings.toAudit(root), progress), targets, out, force);
        return AuditReport.print(outcome, outWriter(), progress);
    }
}
