package dev.superscope.checkpoints.hub;

import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.plugins.IndexedTensorStore;
import dev.superscope.plugins.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the stores of a weights file on the hub share: the file, how it is reached, and the tensors fetched
 * from it so far. Each fetched tensor lies in the {@link TensorCache} as a one-tensor safetensors file,
 * kept open here until this store closes; after that nothing more is fetched.
 */
abstract class RemoteTensorStore extends IndexedTensorStore {
    final RemoteFile file;
    final RemoteAccess access;
    private final Map<String, SafetensorsStore> fetched = new LinkedHashMap<>();
    private boolean closed;

    RemoteTensorStore(RemoteFile file, RemoteAccess access, List<TensorInfo> tensors) {
        super(tensors);
        this.file = file;
        this.access = access;
    }

    /** The remote file as messages name it. */
    final Path label() {
        return Path.of(file.toString());
    }

    /** Refuses once closed: a matrix handed out before must not fetch into a closed store. */
    final synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
    }

    /** Tensor {@code name} as cached; {@code fetch} downloads it into the cache the first time. */
    final synchronized SafetensorsStore fetched(String name, Supplier<Path> fetch) {
        checkOpen();
        SafetensorsStore local = fetched.get(name);
        if (local == null) {
            local = SafetensorsStore.open(fetch.get());
            fetched.put(name, local);
        }
        return local;
    }

    @Override
    public final String describe() {
        return file.toString();
    }

    @Override
    public final synchronized void close() {
        closed = true;
        List<SafetensorsStore> open = new ArrayList<>(fetched.values());
        fetched.clear();
        open.forEach(SafetensorsStore::close);
    }
}
