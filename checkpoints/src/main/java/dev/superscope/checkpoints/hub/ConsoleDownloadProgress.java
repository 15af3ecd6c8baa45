package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.io.TerminalText;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Draws download progress (bytes, rate, time left) on one redrawn line of a terminal. Silent for
 * downloads that finish within a second, and draws at most four times a second.
 */
public final class ConsoleDownloadProgress implements DownloadListener {
    private static final long QUIET_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private long lastDraw;
    private boolean drawn;

    /** Progress drawn on {@code err}, which should be a terminal. */
    public ConsoleDownloadProgress(PrintWriter err) {
        this.err = err;
    }

    /** Progress on {@code err} when this process's console is a terminal, else {@link #NONE}. */
    public static DownloadListener forConsole(PrintWriter err) {
        return System.console() == null ? NONE : new ConsoleDownloadProgress(err);
    }

    @Override
    public synchronized void progress(String label, long done, long total, long elapsedNanos) {
        if (elapsedNanos < QUIET_NANOS || elapsedNanos - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = elapsedNanos;
        drawn = true;
        err.print("\r\033[K" + line(label, done, total, elapsedNanos));
        err.flush();
    }

    @Override
    public synchronized void finished(String label, long total, long elapsedNanos) {
        if (drawn) {
            err.print("\r\033[K" + line(label, total, total, elapsedNanos) + "\n");
            err.flush();
        }
        drawn = false;
        lastDraw = 0;
    }

    /** "label  12.3 MB / 154.4 MB  20.1 MB/s  7 s left". */
    static String line(String label, long done, long total, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = done / seconds;
        String left = rate <= 0 || total <= done ? "" : String.format(Locale.ROOT, "  %s left",
                duration((total - done) / rate));
        // The label is a tensor name from a remote header: escaped, and short enough for one terminal line.
        return String.format(Locale.ROOT, "%s  %s / %s  %s/s%s", TerminalText.safe(label, 60), bytes(done),
                bytes(total), bytes((long) rate), left);
    }

    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
