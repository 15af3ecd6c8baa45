package dev.superscope.pipeline.cluster;

import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.audit.AuditSettings;
import java.nio.file.Path;

/**
 * What a cluster run needs from the command line.
 *
 * @param master     where to run: {@code local[N]}, {@code spark://host:port}, {@code yarn}, {@code k8s://...}
 * @param settings   what to measure, as a local run would
 * @param resolver   opens models in this process (the driver)
 * @param pluginPath the {@code --plugin-path} directory (null when none): the workers load plugins from the
 *                   same path, which must exist on them
 * @param offline    {@code --offline}: the workers read only their caches too
 * @param debug      {@code --debug}: the cluster framework's own log is shown
 * @param progress   where progress and one-line notes go
 */
public record ClusterJob(String master, AuditSettings settings, ModelResolver resolver, Path pluginPath,
                         boolean offline, boolean debug, ProgressListener progress) {
}
