package dev.superscope.spark;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.Audit;
import dev.superscope.pipeline.audit.AuditOutcome;
import dev.superscope.pipeline.cluster.ClusterJob;
import dev.superscope.pipeline.cluster.ClusterRunner;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/** The {@link ClusterRunner} on Apache Spark: models as tasks, and pairwise tiles as tasks. */
public final class SparkClusterRunner implements ClusterRunner {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public AuditOutcome auditModels(ClusterJob job, List<Target> targets, Path out, boolean force) {
        return new ModelsOnCluster(job).run(targets, out, force);
    }

    @Override
    public AuditOutcome auditWithTiles(ClusterJob job, Target target, Path out) {
        if (!TiledScan.splits(job.settings())) {
            job.progress().note("spark: no pairwise or decode-error scan to split; " + target.name() + " is analysed"
                    + " here without Spark");
            return new Audit(job.resolver(), job.settings(), job.progress()).run(List.of(target), out, true, false);
        }
        try (JavaSparkContext sc = SparkContexts.open(job, "superscope analyze " + target.name())) {
            // Asking for one model means measuring it now, as a local analyze does.
            return new Audit(job.resolver(), job.settings(), job.progress(), new TiledScan(sc, job))
                    .run(List.of(target), out, true, false);
        }
    }
}
