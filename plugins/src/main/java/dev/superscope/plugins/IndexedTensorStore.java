package dev.superscope.plugins;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store whose tensors were all listed, and checked, when it was opened (from a file's header, a shard
 * index or a pickle): {@link #tensors} and {@link #find} answer from that list and never read a tensor's
 * bytes. Extend it and serve the bytes: {@link #matrix}, and {@link #view} where other ranks can be read.
 */
public abstract class IndexedTensorStore implements TensorStore {
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName = new HashMap<>();

    /** A store holding {@code tensors}, given sorted by name as {@link #tensors} lists them. */
    protected IndexedTensorStore(List<TensorInfo> tensors) {
        this.tensors = List.copyOf(tensors);
        for (TensorInfo t : this.tensors) {
            byName.put(t.name(), t);
        }
    }

    @Override
    public final List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public final Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
