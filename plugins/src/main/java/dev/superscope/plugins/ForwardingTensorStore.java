package dev.superscope.plugins;

import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to another store: extend it and override what should differ (a store
 * that watches reads, replaces a tensor, or closes something more). {@link #names} and {@link #contains}
 * are forwarded too, so a wrapped store that answers them without opening anything (a shard index) still
 * does.
 */
public abstract class ForwardingTensorStore implements TensorStore {
    private final TensorStore inner;

    protected ForwardingTensorStore(TensorStore inner) {
        this.inner = inner;
    }

    /** The store calls go to. */
    protected final TensorStore inner() {
        return inner;
    }

    @Override
    public List<TensorInfo> tensors() {
        return inner.tensors();
    }

    @Override
    public List<String> names() {
        return inner.names();
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return inner.find(name);
    }

    @Override
    public boolean contains(String name) {
        return inner.contains(name);
    }

    @Override
    public Matrix matrix(String name) {
        return inner.matrix(name);
    }

    @Override
    public Matrix view(String name) {
        return inner.view(name);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
