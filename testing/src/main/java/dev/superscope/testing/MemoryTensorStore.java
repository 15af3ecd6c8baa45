package dev.superscope.testing;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A tensor store over matrices held in memory, for loader tests that need no file. */
public final class MemoryTensorStore implements TensorStore {
    private final Map<String, Matrix> matrices = new TreeMap<>();
    private final Map<String, TensorInfo> others = new TreeMap<>();
    private boolean closed;

    public MemoryTensorStore(Matrix... ms) {
        for (Matrix m : ms) {
            matrices.put(m.name(), m);
        }
    }

    /** Adds a tensor that is listed but is not a 2-D matrix (e.g. a 1-D norm weight). */
    public MemoryTensorStore withOther(TensorInfo info) {
        others.put(info.name(), info);
        return this;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public List<TensorInfo> tensors() {
        List<TensorInfo> all = new ArrayList<>();
        matrices.values().forEach(m -> all.add(info(m)));
        all.addAll(others.values());
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        Matrix m = matrices.get(name);
        return m != null ? Optional.of(info(m)) : Optional.ofNullable(others.get(name));
    }

    @Override
    public Matrix matrix(String name) {
        Matrix m = matrices.get(name);
        if (m == null) {
            throw new BadInputException(Path.of("memory"), others.containsKey(name)
                    ? "tensor " + name + " is not 2-D" : "no tensor " + name);
        }
        return m;
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
        closed = true;
    }

    private static TensorInfo info(Matrix m) {
        return new TensorInfo(m.name(), m.dtype(), new long[] {m.rows(), m.cols()}, "memory");
    }
}
