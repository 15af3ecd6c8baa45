package dev.superscope.pipeline.cluster;

import dev.superscope.plugins.SuperscopeException;
import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the cluster runner on the class path. */
public final class ClusterRunners {
    private ClusterRunners() {
    }

    /**
     * The runner {@code loader} finds.
     *
     * @throws SuperscopeException (usage, exit 2) when there is none: the plain jar was run with --master
     */
    public static ClusterRunner find(ClassLoader loader) {
        Iterator<ClusterRunner> found = ServiceLoader.load(ClusterRunner.class, loader).iterator();
        if (!found.hasNext()) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--master needs the Spark runner, which this jar "
                    + "does not hold: run through ./superscope (it builds spark/target/superscope-spark.jar on first "
                    + "use) or spark-submit that jar (see the README)");
        }
        return found.next();
    }
}
