package dev.superscope.spark;

import dev.superscope.pipeline.ProgressListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Tells the user, one line each, what Spark does about failures it recovers from: a task attempt that
 * failed and will be retried, an executor that was lost (its tasks are run again elsewhere). Spark's own
 * log says the same in many lines; it is quiet unless {@code --debug}.
 */
final class TaskFailureNotes extends SparkListener {
    private final ProgressListener progress;
    private final Map<Integer, String> taskNames;
    private final AtomicInteger failedAttempts = new AtomicInteger();

    /**
     * @param taskNames what each partition computes (a model's name, a slice of tiles), by partition index
     */
    TaskFailureNotes(ProgressListener progress, Map<Integer, String> taskNames) {
        this.progress = progress;
        this.taskNames = new ConcurrentHashMap<>(taskNames);
    }

    /** Task attempts that failed so far. */
    int failedAttempts() {
        return failedAttempts.get();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!end.taskInfo().failed()) {
            return; // succeeded, or killed because its job ended
        }
        TaskEndReason reason = end.reason();
        failedAttempts.incrementAndGet();
        String what = taskNames.getOrDefault(end.taskInfo().index(), "task " + end.taskInfo().index());
        String why = reason instanceof ExceptionFailure f ? f.className() + ": " + ModelTask.oneLine(f.description())
                : ModelTask.oneLine(reason.toString());
        progress.note("spark: " + what + ": attempt " + (end.taskInfo().attemptNumber() + 1) + " failed on executor "
                + end.taskInfo().executorId() + " (" + why + "); Spark retries it up to spark.task.maxFailures");
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        progress.note("spark: executor " + removed.executorId() + " lost (" + ModelTask.oneLine(removed.reason())
                + "); its tasks run again on the others");
    }
}
