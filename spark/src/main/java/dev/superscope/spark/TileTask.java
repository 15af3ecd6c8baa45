package dev.superscope.spark;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.analyzers.scan.PairStatistics;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.pipeline.compute.BackendChoice;
import dev.superscope.pipeline.ModelResolver;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.compute.Backend;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * One slice of a pairwise scan on an executor: opens the model itself (the same path on a shared disk,
 * or the hub through the executor's caches), takes the matrix the driver analyses (same rows), opens a
 * compute backend with the task's cores and scans the slice's tile pairs into mergeable
 * {@link PairStatistics}.
 */
final class TileTask implements Function<List<CosineScan.BlockPair>, PairStatistics>, Serializable {
    private static final long serialVersionUID = 1L;
    private final WorkerSetup setup;
    private final Target target;
    private final MatrixKind kind;
    private final Broadcast<RowStates> rows;
    /** The most similar pairs the driver's scan keeps (its analysis options; {@code collisions}), 0 for none. */
    private final int topPairs;

    TileTask(WorkerSetup setup, Target target, MatrixKind kind, Broadcast<RowStates> rows, int topPairs) {
        this.setup = setup;
        this.target = target;
        this.kind = kind;
        this.rows = rows;
        this.topPairs = topPairs;
    }

    @Override
    public PairStatistics call(List<CosineScan.BlockPair> slice) {
        TaskContext task = TaskContext.get();
        setup.maybeFailOnPurpose(target.name(), task);
        AuditSettings settings = setup.taskSettings(task);
        AnalysisOptions o = settings.analysisOptions();
        ModelResolver resolver = setup.resolver();
        // As the driver loaded it: a tensor named with --tensor (and --transpose) is that tensor here too.
        LoadedModel model = resolver.load(target);
        try (Backend backend = BackendChoice.choose(resolver.plugins(), settings.compute())
                .open(settings.compute().backendSettings())) {
            Matrix matrix = settings.rows().apply(model, kind);
            // The same top pairs as the driver's scan keeps: merged exactly, like the rest.
            return CosineScan.scan(matrix, rows.value().scan(), o.blockRows(), o.histogramBins(), o.collapseThreshold(),
                    topPairs, backend, slice);
        } finally {
            model.checkpoint().close();
        }
    }
}
