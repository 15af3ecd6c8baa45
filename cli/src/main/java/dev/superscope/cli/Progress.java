package dev.superscope.cli;

import dev.superscope.pipeline.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on long steps, on standard error. On a terminal the current step is redrawn in place; when
 * output goes to a file or a pipe, only finished steps are printed, one line each. What it is given
 * names models, files and tensors, so each text is made safe for the terminal ({@link Main#safeLine})
 * before the display's own control sequences are put around it.
 */
final class Progress implements ProgressListener {
    private final PrintWriter err;
    private final boolean terminal;
    private long stepStart;
    private String step = "";
    private long lastUpdate;

    Progress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A progress display for this process: redraws only when stderr is a terminal. */
    static Progress forConsole(PrintWriter err) {
        return new Progress(err, System.console() != null && System.getenv("CI") == null);
    }

    /** Starts a step, e.g. "[3/27] gpt2-large unembedding: overlap". */
    @Override
    public void start(String what) {
        step = Main.safeLine(what);
        stepStart = System.nanoTime();
        if (terminal) {
            err.print("\r\033[K" + step + " ...");
            err.flush();
        }
    }

    /**
     * Shows how far the current step is, e.g. "1200/5000 tokens, 40 s left": redrawn on a terminal (at most
     * five times a second), printed as a line at most every 30 seconds otherwise.
     */
    @Override
    public void update(String status) {
        long now = System.nanoTime();
        long every = terminal ? 200_000_000L : 30_000_000_000L;
        if (now - Math.max(lastUpdate, stepStart) < every) {
            return;
        }
        lastUpdate = now;
        String shown = Main.safeLine(status);
        err.print(terminal ? "\r\033[K" + step + " ... " + shown : step + ": " + shown + "\n");
        err.flush();
    }

    /** Ends the current step, printing how long it took. */
    @Override
    public void done() {
        String line = String.format(Locale.ROOT, "%s (%.1f s)", step, (System.nanoTime() - stepStart) / 1e9);
        err.print(terminal ? "\r\033[K" + line + "\n" : line + "\n");
        err.flush();
    }

    /** A message between steps. */
    @Override
    public void note(String message) {
        err.println((terminal ? "\r\033[K" : "") + Main.safeLine(message));
        err.flush();
    }
}
