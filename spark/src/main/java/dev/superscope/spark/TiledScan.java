package dev.superscope.spark;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.analyzers.scan.PairStatistics;
import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.pipeline.audit.MatrixPreparation;
import dev.superscope.pipeline.cluster.ClusterJob;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Pairwise tiles as tasks: before the {@code pairwise} and {@code decode-error} analyzers run on a
 * matrix, the upper triangle of its tile pairs ({@link CosineScan#allPairs}) is cut into contiguous
 * slices of equal size, each scanned by a task on an executor ({@link TileTask}); the driver merges the
 * slices' statistics in slice order ({@link PairStatistics#merge}: float64 sums, max, histogram counts,
 * each row's best competitor and nearest row, ties to the lowest id) and leaves the scan's result where the
 * analyzers look for it. The merged result is the single pass's: the same tiles, the same kernels.
 *
 * <p>Slices: {@code spark.superscope.tileTasks} tasks (default: Spark's default parallelism, one per task
 * slot), at most one per tile pair.
 */
final class TiledScan implements MatrixPreparation {
    /** Spark configuration key: how many tasks a pairwise scan is cut into. */
    static final String TASKS_KEY = "spark.superscope.tileTasks";
    private static final Set<String> SCANNING = Set.of("pairwise", "decode-error");

    private final JavaSparkContext sc;
    private final ClusterJob job;
    private final WorkerSetup setup;

    TiledScan(JavaSparkContext sc, ClusterJob job) {
        this.sc = sc;
        this.job = job;
        this.setup = new WorkerSetup(job.settings(), job.pluginPath() == null ? null : job.pluginPath().toString(),
                job.offline(), sc.getConf().get(WorkerSetup.FAIL_FIRST_ATTEMPT_KEY, null));
    }

    /** True when {@code settings} ask for a scan this class splits ({@code pairwise}, {@code decode-error}). */
    static boolean splits(AuditSettings settings) {
        return settings.analyzers().stream().anyMatch(SCANNING::contains);
    }

    @Override
    public void prepare(Target target, MatrixKind kind, Matrix matrix, AnalysisContext context) {
        if (!splits(job.settings())) {
            return;
        }
        AnalysisOptions o = context.options();
        RowScan rows = context.shared(RowScan.sharedKey(o.blockRows()), RowScan.class,
                () -> RowScan.of(matrix, o.blockRows()));
        List<List<CosineScan.BlockPair>> slices = slices(CosineScan.allPairs(matrix, o.blockRows()),
                sc.getConf().getInt(TASKS_KEY, sc.defaultParallelism()));
        Map<Integer, String> names = new HashMap<>();
        for (int i = 0; i < slices.size(); i++) {
            names.put(i, target.name() + " " + kind.label() + " tiles " + (i + 1) + "/" + slices.size());
        }
        job.progress().note("spark: scanning " + matrix.rows() + " x " + matrix.cols() + " " + kind.label() + " of "
                + target.name() + " in " + slices.size() + " task(s) on " + job.master());
        TaskFailureNotes notes = new TaskFailureNotes(job.progress(), names);
        sc.sc().addSparkListener(notes);
        Broadcast<RowStates> shared = sc.broadcast(RowStates.of(rows));
        List<PairStatistics> parts;
        try {
            parts = sc.parallelize(slices, slices.size()).map(new TileTask(setup, target, kind, shared, o.topPairs())).collect();
        } catch (Exception e) { // Spark throws its checked SparkException through Scala code
            if (e instanceof SuperscopeException s) {
                throw s;
            }
            throw SparkFailures.jobFailed("the pairwise scan of " + target.name(), e);
        } finally {
            sc.sc().removeSparkListener(notes);
            shared.destroy();
        }
        PairStatistics merged = parts.get(0);
        for (PairStatistics part : parts.subList(1, parts.size())) {
            merged.merge(part);
        }
        CosineScan.Result result = CosineScan.result(rows, merged);
        context.shared(CosineScan.sharedKey(o), CosineScan.Result.class, () -> result);
    }

    /** {@code pairs} cut into at most {@code tasks} contiguous slices whose sizes differ by at most one. */
    static List<List<CosineScan.BlockPair>> slices(List<CosineScan.BlockPair> pairs, int tasks) {
        int count = Math.max(1, Math.min(tasks, pairs.size()));
        List<List<CosineScan.BlockPair>> slices = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int from = (int) ((long) s * pairs.size() / count);
            int to = (int) ((long) (s + 1) * pairs.size() / count);
            slices.add(new ArrayList<>(pairs.subList(from, to)));
        }
        return slices;
    }
}
