package dev.superscope.checkpoints.hub;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body whose reads cannot hang: when no byte has arrived for {@code silence}, or the
 * transfer's {@link Deadline} passes, a timer closes the body under the blocked read, which then fails
 * with {@link SilenceException} or {@link DeadlineException}. The JDK's HTTP client times out only the
 * wait for response headers; a server that sends headers and half a body and then nothing would
 * otherwise hold its reader for ever.
 *
 * <p>One timer task per body, rescheduled to the next moment either limit could pass; no work is done
 * per byte beyond noting the time.
 */
final class WatchedBody extends InputStream {
    /** No byte arrived for the read timeout: worth another try. */
    static final class SilenceException extends IOException {
        private static final long serialVersionUID = 1L;

        SilenceException(String message) {
            super(message);
        }
    }

    /** The transfer's deadline passed: not worth another try. */
    static final class DeadlineException extends IOException {
        private static final long serialVersionUID = 1L;

        DeadlineException(String message) {
            super(message);
        }
    }

    private enum Expiry { SILENCE, DEADLINE }

    private final InputStream in;
    private final ScheduledExecutorService timer;
    private final long silenceNanos;
    private final Deadline deadline;
    private volatile long lastByte;
    private volatile Expiry expired;
    private volatile boolean closed;
    private ScheduledFuture<?> check;

    WatchedBody(InputStream in, ScheduledExecutorService timer, java.time.Duration silence, Deadline deadline) {
        this.in = in;
        this.timer = timer;
        this.silenceNanos = silence.toNanos();
        this.deadline = deadline;
        this.lastByte = System.nanoTime();
        schedule(Math.min(silenceNanos, deadline.remainingNanos()));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        failIfExpired();
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            failIfExpired(); // closed under the read by the timer: say why
            throw e;
        }
        failIfExpired(); // a body closed by the timer reads as its end
        if (n > 0) {
            lastByte = System.nanoTime();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (this) {
            if (check != null) {
                check.cancel(false);
            }
        }
        in.close();
    }

    private void failIfExpired() throws IOException {
        Expiry e = expired;
        if (e == Expiry.DEADLINE) {
            throw new DeadlineException("not complete after " + deadline.describeAllowed());
        }
        if (e == Expiry.SILENCE) {
            throw new SilenceException("no data for " + seconds(silenceNanos));
        }
    }

    private synchronized void schedule(long delayNanos) {
        if (closed) {
            return;
        }
        try {
            check = timer.schedule(this::checkLimits, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException clientClosed) {
            // The client is closing: nothing more will be read.
        }
    }

    private void checkLimits() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long quiet = now - lastByte;
        if (deadline.remainingNanos() <= 0) {
            expire(Expiry.DEADLINE);
        } else if (quiet >= silenceNanos) {
            expire(Expiry.SILENCE);
        } else {
            schedule(Math.min(silenceNanos - quiet, deadline.remainingNanos()));
        }
    }

    private void expire(Expiry why) {
        expired = why;
        try {
            in.close(); // unblocks the read, which then reports the expiry
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s == Math.rint(s) ? (long) s + " s" : String.format(java.util.Locale.ROOT, "%.1f s", s);
    }
}
