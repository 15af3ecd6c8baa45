package dev.superscope.spark;

import dev.superscope.pipeline.cluster.ClusterJob;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts the Spark driver for a job. The configuration is Spark's usual one ({@code spark.*} system
 * properties, which spark-submit's {@code --conf} sets) with the master from {@code --master}; a local
 * master listens on loopback only and starts no web UI unless those are set; a
 * standalone master ({@code spark://host:port[,host:port]}) is reached first with a plain connection, so
 * an unreachable one is a one-line error at once rather than Spark's minute of retries.
 */
final class SparkContexts {
    /** How long to wait for the standalone master's port to answer. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private SparkContexts() {
    }

    /** A started context for {@code job}; the caller closes it. */
    static JavaSparkContext open(ClusterJob job, String appName) {
        checkReachable(job.master());
        SparkConf conf = new SparkConf(true).setMaster(job.master()).setAppName(appName);
        // The workers compute with the PyTorch engine too: it must not phone home there either.
        conf.setIfMissing("spark.executorEnv.OPT_OUT_TRACKING", "true");
        if (job.master().startsWith("local")) {
            // Everything runs in this process: listen on loopback only, and no web UI, unless asked for.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (Exception e) { // Spark throws its checked SparkException through Scala code
            throw SparkFailures.atStart(job.master(), e);
        }
        sc.setLogLevel(job.debug() ? "INFO" : "ERROR");
        return sc;
    }

    /** For {@code spark://h1:p1,h2:p2}: at least one master must accept a connection. */
    static void checkReachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new SuperscopeException(SuperscopeException.USAGE, "--master " + master
                        + ": expected spark://host:port");
            }
            String host = hostPort.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new SuperscopeException(SuperscopeException.USAGE, "--master " + master + ": '"
                        + hostPort.substring(colon + 1) + "' is not a port");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (IOException e) {
                failures.add(hostPort + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        throw new SuperscopeException(SuperscopeException.NETWORK, "cannot reach the Spark master " + master + " ("
                + String.join("; ", failures) + ")");
    }
}
