package dev.superscope.spark;

import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.Audit;
import dev.superscope.pipeline.compute.StartingBackend;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One model's audit on an executor: the partition holds one target; the task opens it (from the
 * executor's caches or the hub), measures it with the driver's settings and returns its rows and token
 * table. A {@link SuperscopeException} (bad input, exit 3; network, exit 4) is that model's failure,
 * returned by name so the other models go on; anything else fails the task, and Spark retries it
 * ({@code spark.task.maxFailures}). A retried task measures the same model again: the driver records a
 * model's rows under its name, so a second result replaces the first, never adds to it.
 */
final class ModelTask extends AbstractFunction1<Iterator<Target>, ModelReport> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final WorkerSetup setup;

    ModelTask(WorkerSetup setup) {
        this.setup = setup;
    }

    @Override
    public ModelReport apply(Iterator<Target> partition) {
        Target target = partition.next();
        TaskContext task = TaskContext.get();
        setup.maybeFailOnPurpose(target.name(), task);
        // What the audit prints between steps (warnings) goes back to the driver; step timings are dropped.
        List<String> notes = new ArrayList<>();
        Audit audit = new Audit(setup.resolver(), setup.taskSettings(task), ProgressListener.notesTo(notes::add));
        Path scratch = scratchDirectory();
        try (StartingBackend backend = audit.startingBackend()) {
            List<ModelResult> rows = audit.measure(target, target.name(), backend, scratch);
            StringBuilder csv = new StringBuilder();
            ModelsCsv.print(csv, rows);
            return ModelReport.measured(target.name(), csv.toString(), written(scratch), notes);
        } catch (SuperscopeException e) {
            return ModelReport.failed(target.name(), e.exitCode(), oneLine(e.getMessage()), notes);
        } catch (IOException e) {
            throw new UncheckedIOException(target.name() + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    /** Every file under {@code dir}, by its path relative to it ('/'-separated). */
    private static Map<String, byte[]> written(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace(java.io.File.separatorChar, '/'), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static Path scratchDirectory() {
        try {
            return Files.createTempDirectory("superscope-task-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a scratch file left in the temporary directory harms nothing
        }
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
