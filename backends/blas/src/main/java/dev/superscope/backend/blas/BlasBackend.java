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
 * OpenBLAS on the CPU, float32 products. Made by {@link BlasBackendProvider#open} once the library is
 * loaded; closing it closes every root scope still open (and so frees all its native memory).
 */
final class BlasBackend implements Backend {
    private final String description;
    private final MemoryLedger ledger = new MemoryLedger();
    /** Root scopes still open; scopes of different threads may come and go at once. */
    private final Set<BlasScope> roots = new LinkedHashSet<>();
    private boolean closed;

    BlasBackend(String description) {
        this.description = description;
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
        return ComputePrecision.FLOAT32;
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
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(roots);
        }
        for (BlasScope scope : open) {
            scope.close();
        }
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
