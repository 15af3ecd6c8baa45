package dev.superscope.backend.torch;

import ai.djl.engine.EngineException;
import dev.superscope.plugins.SuperscopeException;

/** Turns native-engine failures (out of memory, a bad shape) into one-line {@link SuperscopeException}s. */
public final class EngineFailures {
    private EngineFailures() {
    }

    /**
     * An error saying what failed on which matrix. {@link SuperscopeException}s pass through unchanged;
     * anything else from the engine (PyTorch's multi-line C++ messages included) is cut to its first
     * line.
     */
    public static SuperscopeException wrap(String matrixName, String task, RuntimeException e) {
        if (e instanceof SuperscopeException s) {
            return s;
        }
        String what = e instanceof EngineException ? "the compute engine failed" : "unexpected failure";
        return new SuperscopeException(1, what + " while " + task + " " + matrixName + ": " + oneLine(e), e);
    }

    public static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
