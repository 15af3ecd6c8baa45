package dev.superscope.pipeline.cluster;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.AuditOutcome;
import java.nio.file.Path;
import java.util.List;

/**
 * Spreads an audit over a cluster ({@code --master}). The spark module provides one; the plain command
 * has none and says how to get it. Found with {@link java.util.ServiceLoader} ({@link ClusterRunners}),
 * so the plain jar never loads a cluster framework.
 *
 * <p>Both operations write what a local run writes, into the same output directory, through the same
 * {@link dev.superscope.reports.ResultStore}: models.csv, fits.csv, tokens/ and the plots.
 */
public interface ClusterRunner {
    /** The runner's name, e.g. {@code spark}. */
    String name();

    /**
     * Audits every target as one task on the cluster, recording each model's rows in {@code out} as its
     * task finishes (a model already complete there is skipped unless {@code force}); then fits and plots.
     * A model that fails on bad input is reported by name and the others finish.
     */
    AuditOutcome auditModels(ClusterJob job, List<Target> targets, Path out, boolean force);

    /**
     * Audits one target in this process, its O(n^2 m) pairwise scan split into tiles computed on the
     * cluster and merged exactly (the {@code pairwise} and {@code decode-error} analyzers report the merged
     * scan as their own); the rows go to {@code out} as {@code analyze} writes them.
     */
    AuditOutcome auditWithTiles(ClusterJob job, Target target, Path out);
}
