package dev.superscope.checkpoints.hub;

/**
 * Hears how a download is going, for a progress display. Calls come from the downloading thread, often
 * (every block received); implementations throttle what they draw.
 */
public interface DownloadListener {
    /** Listens to nothing. */
    DownloadListener NONE = new DownloadListener() {
        @Override
        public void progress(String label, long done, long total, long elapsedNanos) {
        }
    };

    /**
     * {@code done} of {@code total} bytes of {@code label} have arrived {@code elapsedNanos} after it
     * started ({@code done} counts bytes resumed from an earlier run too).
     */
    void progress(String label, long done, long total, long elapsedNanos);

    /** {@code label} is complete. */
    default void finished(String label, long total, long elapsedNanos) {
    }
}
