package dev.superscope.backend.blas;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Native bytes a backend holds now: every {@link NativeAllocation} adds its size and takes it off when
 * freed, so a test can see that closing scopes gave everything back. One per backend; scopes on several
 * threads share it, hence atomic.
 */
final class MemoryLedger {
    private final AtomicLong live = new AtomicLong();

    void allocated(long bytes) {
        live.addAndGet(bytes);
    }

    void freed(long bytes) {
        live.addAndGet(-bytes);
    }

    /** Bytes allocated and not yet freed. */
    long liveBytes() {
        return live.get();
    }
}
