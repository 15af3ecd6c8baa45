package dev.superscope.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on long steps, on standard error. On a terminal the current step is redrawn in place; when
 * output goes to a file or a pipe, only finished steps are printed, one line each.
 */
final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private long stepStart;
    private String step = "";

    Progress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A progress display for this process: redraws only when stderr is a terminal. */
    static Progress forConsole(PrintWriter err) {
        return new Progress(err, System.console() != null && System.getenv("CI") == null);
    }

    /** Starts a step, e.g. "[3/27] gpt2-large unembedding: overlap". */
    void start(String what) {
        step = what;
        stepStart = System.nanoTime();
        if (terminal) {
            err.print("\r\033[K" + what + " ...");
            err.flush();
        }
    }

    /** Ends the current step, printing how long it took. */
    void done() {
        String line = String.format(Locale.ROOT, "%s (%.1f s)", step, (System.nanoTime() - stepStart) / 1e9);
        err.print(terminal ? "\r\033[K" + line + "\n" : line + "\n");
        err.flush();
    }

    /** A message between steps. */
    void note(String message) {
        err.println((terminal ? "\r\033[K" : "") + message);
        err.flush();
    }
}
