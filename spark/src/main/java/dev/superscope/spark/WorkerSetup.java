package dev.superscope.spark;

import dev.superscope.checkpoints.hub.DownloadListener;
import dev.superscope.checkpoints.hub.HubSettings;
import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.plugins.Plugins;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.TaskContext;

/**
 * What an executor needs to open and measure models as the driver would: the audit settings, the plugin
 * directory and whether to stay offline. The hub settings (endpoint, token, caches) are the executor's
 * own environment, as huggingface_hub reads them: each executor caches on its own disk unless the user
 * points {@code HF_HUB_CACHE} / {@code SUPERSCOPE_CACHE} at a shared path for every executor
 * ({@code --conf spark.executorEnv.SUPERSCOPE_CACHE=/shared/...}).
 *
 * @param settings          the driver's audit settings
 * @param pluginPath        {@code --plugin-path} as text, or null
 * @param offline           {@code --offline}
 * @param failFirstAttempt  a model whose first task attempt fails on purpose, or null: lets a test watch Spark
 *                          retry a task (set with {@code spark.superscope.test.failFirstAttemptOf})
 */
record WorkerSetup(AuditSettings settings, String pluginPath, boolean offline, String failFirstAttempt)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Spark configuration key of {@link #failFirstAttempt}. */
    static final String FAIL_FIRST_ATTEMPT_KEY = "spark.superscope.test.failFirstAttemptOf";

    /** A resolver as the driver's, reading this executor's caches. */
    ModelResolver resolver() {
        Plugins plugins = pluginPath == null ? Plugins.discover(WorkerSetup.class.getClassLoader())
                : Plugins.discover(Path.of(pluginPath));
        HubSettings hub = HubSettings.fromProcess();
        return new ModelResolver(plugins, offline ? hub.offlineCopy() : hub, DownloadListener.NONE);
    }

    /**
     * The settings computing with the cores Spark gave this task ({@code spark.task.cpus}, default 1): tasks
     * sharing an executor do not oversubscribe its cores.
     */
    AuditSettings taskSettings(TaskContext task) {
        return settings.withCompute(settings.compute().withThreads(Math.max(1, task.cpus())));
    }

    /** Fails the first attempt of the chosen model's task, so that Spark retries it. */
    void maybeFailOnPurpose(String model, TaskContext task) {
        if (model.equals(failFirstAttempt) && task.attemptNumber() == 0) {
            throw new IllegalStateException("failing the first attempt of " + model + " on purpose ("
                    + FAIL_FIRST_ATTEMPT_KEY + ")");
        }
    }
}
