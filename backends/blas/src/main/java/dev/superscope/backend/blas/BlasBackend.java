package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenBLAS on the CPU, float32 products; or, for the bf16 precision, oneDNN's BF16 matmul. Made by
 * {@link BlasBackendProvider#open} once the libraries are loaded; closing it closes every root scope
 * still open (and so frees all its native memory).
 */
final class BlasBackend implements Backend {
    private final String description;
    /** oneDNN for the bf16 precision; null under float32. */
    private final OneDnn oneDnn;
    private final MemoryLedger ledger = new MemoryLedger();
    /** Root scopes still open; scopes of different threads may come and go at once. */
    private final Set<BlasScope> roots = new LinkedHashSet<>();
    private boolean closed;

    BlasBackend(String description, OneDnn oneDnn) {
        this.description = description;
        this.oneDnn = oneDnn;
    }

    @Override
    public String name() {
        return BlasBackendProvider.NAME;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public ComputePrecision precision() {
        return oneDnn == null ? ComputePrecision.FLOAT32 : ComputePrecision.BF16;
    }

    @Override
    public synchronized ComputeScope newScope() {
        if (closed) {
            throw new IllegalStateException("the blas backend is closed");
        }
        BlasScope scope = new BlasScope(this, null);
        roots.add(scope);
        return scope;
    }

    @Override
    public void close() {
        List<BlasScope> open;
        boolean wasClosed;
        synchronized (this) {
            wasClosed = closed;
            closed = true;
            open = new ArrayList<>(roots);
        }
        for (BlasScope scope : open) {
            scope.close();
        }
        if (oneDnn != null && !wasClosed) {
            oneDnn.close();
        }
    }

    OneDnn oneDnn() {
        return oneDnn;
    }

    /** A root scope has closed. */
    synchronized void forget(BlasScope scope) {
        roots.remove(scope);
    }

    MemoryLedger ledger() {
        return ledger;
    }

    /** Native bytes held by all scopes now (0 once everything is closed); for tests. */
    long liveNativeBytes() {
        return ledger.liveBytes();
    }
}
