package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.Audit;
import dev.superscope.pipeline.audit.AuditOutcome;
import dev.superscope.pipeline.cluster.ClusterRunners;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code superscope analyze}: one checkpoint, a summary on the terminal, a row in DIR/models.csv. */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure one checkpoint's matrices; print a summary and add its rows to DIR/models.csv "
                + "(and DIR/tokens/<model>.csv).")
final class AnalyzeCommand extends Subcommand {
    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory or file, or a hub id "
            + "(org/name[@revision]): read from the Hugging Face cache, else only the tensors it needs are fetched "
            + "from the hub (HF_ENDPOINT, HF_TOKEN; HF_HUB_OFFLINE=1 forbids downloads).")
    String checkpoint;

    @Mixin
    AnalysisSettings settings;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "superscope-out",
            description = "Output directory (default ${DEFAULT-VALUE}); other models' rows in it are kept.")
    Path out;

    @Mixin
    SingleTargetOptions targetOptions;

    @Option(names = "--master", paramLabel = "URL", description = "Split the pairwise and decode-error scans into "
            + "tiles computed as tasks on Apache Spark (local[N], spark://host:port, yarn, k8s://...) and merged "
            + "exactly. Needs the Spark runner (./superscope builds it on first use).")
    String master;

    @Override
    public Integer call() {
        Target target = targetOptions.target(checkpoint);
        Progress progress = progress();
        // Asking for one model means measuring it now: its old rows are replaced, the others kept.
        AuditOutcome outcome = master == null
                ? new Audit(root.resolver(), settings.toAudit(root), progress).run(List.of(target), out, true, false)
                : ClusterRunners.find(Main.class.getClassLoader())
                        .auditWithTiles(root.clusterJob(master, settings.toAudit(root), progress), target, out);
        return AuditReport.print(outcome, outWriter(), progress);
    }

}
