package dev.superscope.checkpoints.hub;

import java.time.Duration;

/**
 * The moment by which one file's transfer (every try, every wait between tries) must be over. Without
 * it a server that sends a byte just before each read timeout, or that makes every try progress a
 * little, could keep a download going for ever.
 */
final class Deadline {
    private final long atNanos;
    private final Duration allowed;

    private Deadline(long atNanos, Duration allowed) {
        this.atNanos = atNanos;
        this.allowed = allowed;
    }

    /** {@code allowed} from now. */
    static Deadline after(Duration allowed) {
        return new Deadline(System.nanoTime() + Math.min(allowed.toNanos(), Long.MAX_VALUE / 4), allowed);
    }

    /** Nanoseconds left (negative once passed). */
    long remainingNanos() {
        return atNanos - System.nanoTime();
    }

    /** True when less than {@code wait} is left. */
    boolean leavesLessThan(Duration wait) {
        return remainingNanos() < wait.toNanos();
    }

    /** "10 min" or "2.5 s": the time this deadline allowed, for messages. */
    String describeAllowed() {
        long s = allowed.getSeconds();
        if (s >= 120) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        return WatchedBody.seconds(allowed.toNanos());
    }
}
