package dev.superscope.spark;

import dev.superscope.plugins.io.AtomicFiles;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.Audit;
import dev.superscope.pipeline.audit.AuditOutcome;
import dev.superscope.pipeline.cluster.ClusterJob;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import dev.superscope.reports.ResultStore;
import dev.superscope.reports.ReportWriteException;
import dev.superscope.reports.TokensCsv;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Models as tasks: one partition per model still to measure, each audited on an executor
 * ({@link ModelTask}); the driver records each model in the output directory's {@link ResultStore} as its
 * task finishes, the way a local run records it after measuring it (token table first, then its rows of
 * models.csv, both renamed into place). A driver that stops keeps every model recorded; running again
 * skips them. Spark hands the driver each partition's result once, and the store keys rows by (model,
 * matrix), so a retried task cannot add a row twice.
 */
final class ModelsOnCluster {
    private final ClusterJob job;
    private final Audit audit;

    ModelsOnCluster(ClusterJob job) {
        this.job = job;
        this.audit = new Audit(job.resolver(), job.settings(), job.progress());
    }

    AuditOutcome run(List<Target> targets, Path out, boolean force) {
        audit.requiredMetrics(); // an unknown analyzer is a usage error before anything is sent
        try (ResultStore store = ResultStore.open(out, force)) {
            store.notes().forEach(job.progress()::note);
            List<Target> pending = new ArrayList<>();
            for (Target target : targets) {
                if (audit.isDone(store, target)) {
                    job.progress().note(target.name() + ": already in " + store.modelsCsv() + " (use --force to redo)");
                } else {
                    pending.add(target);
                }
            }
            List<String> failures = new ArrayList<>();
            int exitCode = 0;
            if (!pending.isEmpty()) { // a resumed run with nothing left to do starts no Spark
                try (JavaSparkContext sc = SparkContexts.open(job, "superscope run")) {
                    exitCode = measure(sc, pending, store, failures);
                }
            }
            return audit.finish(store, failures, exitCode, true);
        }
    }

    /** Measures {@code pending} on the cluster, recording each model as it arrives; returns the first failure's code. */
    private int measure(JavaSparkContext sc, List<Target> pending, ResultStore store, List<String> failures) {
        Map<Integer, String> names = new HashMap<>();
        for (int i = 0; i < pending.size(); i++) {
            names.put(i, pending.get(i).name());
        }
        TaskFailureNotes notes = new TaskFailureNotes(job.progress(), names);
        sc.sc().addSparkListener(notes);
        WorkerSetup setup = new WorkerSetup(job.settings(), job.pluginPath() == null ? null : job.pluginPath().toString(),
                job.offline(), sc.getConf().get(WorkerSetup.FAIL_FIRST_ATTEMPT_KEY, null));
        BlockingQueue<ModelReport> arrived = new LinkedBlockingQueue<>();
        JavaRDD<Target> models = sc.parallelize(pending, pending.size());
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            partitions.add(i);
        }
        SimpleFutureAction<BoxedUnit> future = sc.sc().submitJob(models.rdd(), new ModelTask(setup),
                CollectionConverters.asScala(partitions).toSeq(), new Arrived(arrived), new Nothing());
        job.progress().note("spark: auditing " + pending.size() + " model(s) on " + job.master() + " ("
                + sc.defaultParallelism() + " task slots)");
        int exitCode = 0;
        int received = 0;
        try {
            while (received < pending.size()) {
                ModelReport report = arrived.poll(1, TimeUnit.SECONDS);
                if (report == null) {
                    if (future.isCompleted() && arrived.isEmpty()) {
                        break; // the job ended without this result: its failure is read below
                    }
                    continue;
                }
                received++;
                String prefix = "[" + received + "/" + pending.size() + "] " + report.model();
                report.notes().forEach(n -> job.progress().note(prefix + ": " + n));
                if (report.succeeded()) {
                    record(store, report);
                    job.progress().note(prefix + ": recorded in " + store.modelsCsv());
                } else {
                    String line = report.model() + ": " + report.failure();
                    failures.add(line);
                    job.progress().note("superscope: " + line);
                    exitCode = exitCode == 0 ? report.exitCode() : exitCode;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel();
            throw new SuperscopeException(1, "interrupted while waiting for the cluster; finished models are kept");
        } finally {
            sc.sc().removeSparkListener(notes);
        }
        if (received < pending.size()) {
            Throwable why = future.value().get().failed().get();
            throw SparkFailures.jobFailed("the audit", why);
        }
        return exitCode;
    }

    /**
     * Writes the files the model's task made (its token table and pictures), then its rows: the same files,
     * in the same order, as a local run. A path that would land outside the output directory is refused.
     */
    private static void record(ResultStore store, ModelReport report) {
        List<ModelResult> rows;
        try {
            rows = ModelsCsv.read(new StringReader(report.rowsCsv()), Path.of(report.model() + " (from its task)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path out = store.directory().toAbsolutePath().normalize();
        for (Map.Entry<String, byte[]> file : report.files().entrySet()) {
            Path target = out.resolve(file.getKey()).normalize();
            if (!target.startsWith(out) || target.equals(out)) {
                throw new IllegalStateException("a task wrote outside the output directory: " + file.getKey());
            }
            try {
                AtomicFiles.write(target, file.getValue());
            } catch (IOException e) {
                throw ReportWriteException.writing(target, e);
            }
        }
        Audit.commit(store, rows);
    }

    /** Spark's result handler: called on the driver once per finished partition; hands the result over. */
    private static final class Arrived extends AbstractFunction2<Object, ModelReport, BoxedUnit> {
        private final BlockingQueue<ModelReport> queue;

        Arrived(BlockingQueue<ModelReport> queue) {
            this.queue = queue;
        }

        @Override
        public BoxedUnit apply(Object partition, ModelReport report) {
            queue.add(report);
            return BoxedUnit.UNIT;
        }
    }

    /** The job's overall result: nothing, the models were handed over one by one. */
    private static final class Nothing extends AbstractFunction0<BoxedUnit> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }
}
