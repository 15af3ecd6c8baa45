package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.plugins.compute.Tile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Owns native memory for a stretch of work. The one rule: every allocation is made through a scope
 * and freed when that scope closes, and closing a scope closes its children first. A closed scope, and
 * anything made in it, refuses further use with an {@link IllegalStateException} instead of touching
 * freed memory. Not thread-safe, like the interface.
 */
final class BlasScope implements ComputeScope {
    private final BlasBackend backend;
    private final BlasScope parent;
    private final Set<BlasScope> children = new LinkedHashSet<>();
    private final List<NativeAllocation> allocations = new ArrayList<>();
    /** Work memory shared by the kernels of this scope tree, which run one at a time ({@link #scratchFloats}). */
    private NativeAllocation scratch;
    private boolean closed;

    BlasScope(BlasBackend backend, BlasScope parent) {
        this.backend = backend;
        this.parent = parent;
    }

    @Override
    public ComputeScope newChild() {
        checkOpen();
        BlasScope child = new BlasScope(backend, this);
        children.add(child);
        return child;
    }

    @Override
    public DeviceRows rows(FloatRows block) {
        checkOpen();
        return BlasRows.of(block, this);
    }

    @Override
    public GramSum newGram(int cols) {
        checkOpen();
        return new BlasGramSum(this, cols);
    }

    @Override
    public Tile newTile(int maxRows, int maxCols) {
        checkOpen();
        return new BlasTile(this, maxRows, maxCols);
    }

    /** Native memory for {@code count} floats, freed when this scope closes (or by {@link #free}). */
    NativeAllocation allocateFloats(long count, String what) {
        checkOpen();
        return keep(NativeAllocation.floats(count, backend.ledger(), what));
    }

    /** Native memory for {@code count} bfloat16 values, freed when this scope closes (or by {@link #free}). */
    NativeAllocation allocateBfloat16s(long count, String what) {
        checkOpen();
        return keep(NativeAllocation.bfloat16s(count, backend.ledger(), what));
    }

    /** Whether this backend's products take bfloat16 inputs. */
    boolean bf16() {
        return backend.oneDnn() != null;
    }

    /** oneDNN, for the bf16 products (null under float32). */
    OneDnn oneDnn() {
        return backend.oneDnn();
    }

    /** Native memory for {@code count} doubles, freed when this scope closes (or by {@link #free}). */
    NativeAllocation allocateDoubles(long count, String what) {
        checkOpen();
        return keep(NativeAllocation.doubles(count, backend.ledger(), what));
    }

    /**
     * At least {@code count} floats of work memory shared by every kernel of this scope's tree (held by
     * its root): its contents last until the next kernel call, and it is freed with the root or by
     * {@link #freeScratch}.
     */
    NativeAllocation scratchFloats(long count) {
        checkOpen();
        if (parent != null) {
            return parent.scratchFloats(count);
        }
        if (scratch == null || scratch.bytes() < count * Float.BYTES) {
            freeScratch();
            scratch = allocateFloats(count, "a work buffer of " + count + " floats");
        }
        return scratch;
    }

    /** Gives the work memory back now (the next phase of the work needs its room). */
    void freeScratch() {
        if (parent != null) {
            parent.freeScratch();
        } else if (scratch != null) {
            free(scratch);
            scratch = null;
        }
    }

    /** Frees {@code allocation} now (a work buffer being replaced by a larger one). */
    void free(NativeAllocation allocation) {
        if (allocations.remove(allocation)) {
            allocation.free();
        }
    }

    /** {@code rows} as this backend's rows, alive. */
    BlasRows accept(DeviceRows rows) {
        checkOpen();
        if (!(rows instanceof BlasRows blas) || blas.scope().backend != backend) {
            throw new IllegalArgumentException("rows made by another backend: " + rows);
        }
        blas.scope().checkOpen();
        return blas;
    }

    /** @throws IllegalStateException when this scope (or an ancestor, or the backend) has closed */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this compute scope is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (BlasScope child : new ArrayList<>(children)) {
                child.close();
            }
            children.clear();
        } finally {
            for (NativeAllocation allocation : allocations) {
                allocation.free();
            }
            allocations.clear();
            if (parent != null) {
                parent.children.remove(this);
            } else {
                backend.forget(this);
            }
        }
    }

    private NativeAllocation keep(NativeAllocation allocation) {
        allocations.add(allocation);
        return allocation;
    }
}
