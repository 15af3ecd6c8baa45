package dev.superscope.spark;

import dev.superscope.plugins.SuperscopeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Spark's failures as the one-line errors and exit codes of the command. */
final class SparkFailures {
    private static final Pattern MOST_RECENT = Pattern.compile("most recent failure: (?:Lost task [^)]*\\)[^:]*: )?(.*)");

    private SparkFailures() {
    }

    /** Spark could not start with {@code master}: a malformed master is a usage error, anything else a network one. */
    static SuperscopeException atStart(String master, Exception e) {
        String message = firstLine(e);
        if (message.contains("Could not parse Master URL")) {
            return new SuperscopeException(SuperscopeException.USAGE, "--master " + master + " is not a Spark master"
                    + " URL (local[N], spark://host:port, yarn or k8s://https://host:port)", e);
        }
        return new SuperscopeException(SuperscopeException.NETWORK, "cannot start Spark with --master " + master + ": "
                + message, e);
    }

    /**
     * A job Spark gave up on (a task failed {@code spark.task.maxFailures} times, the cluster went away):
     * one line with the last task's failure, which names the model.
     */
    static SuperscopeException jobFailed(String what, Throwable e) {
        String message = firstLine(e);
        Matcher m = MOST_RECENT.matcher(message);
        String cause = m.find() ? m.group(1) : message;
        return new SuperscopeException(1, what + " stopped on the cluster: " + cause
                + " (finished models are kept; run again to resume)", e);
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
