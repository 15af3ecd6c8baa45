package dev.superscope.analyzers;

import dev.superscope.plugins.SuperscopeException;

/** Turns a backend's failures (out of memory, a native error) into one-line {@link SuperscopeException}s. */
final class ComputeFailures {
    private ComputeFailures() {
    }

    /**
     * An error saying what failed on which matrix. {@link SuperscopeException}s pass through unchanged;
     * anything else (a native library's multi-line message included) is cut to its first line.
     */
    static SuperscopeException wrap(String matrixName, String task, RuntimeException e) {
        if (e instanceof SuperscopeException s) {
            return s;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        String first = (newline < 0 ? message : message.substring(0, newline)).strip();
        return new SuperscopeException(1, "the compute backend failed while " + task + " " + matrixName + ": "
                + first, e);
    }
}
