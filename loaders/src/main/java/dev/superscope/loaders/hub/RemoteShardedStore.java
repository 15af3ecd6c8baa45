package dev.superscope.loaders.hub;

import dev.superscope.loaders.checkpoint.ShardedTensorStore;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A sharded checkpoint on the hub: the index (already in the local snapshot) says which shard holds a
 * tensor; a shard is opened remotely (its header fetched) only when one of its tensors is asked about.
 * {@link #contains} needs only the index; {@link #tensors} needs every shard's header.
 */
final class RemoteShardedStore implements TensorStore {
    private final Path index;
    private final String source;
    private final Map<String, String> weightMap;
    private final Function<String, TensorStore> openShard;
    private final Map<String, TensorStore> shards = new LinkedHashMap<>();
    private List<TensorInfo> all;
    private boolean closed;

    /**
     * @param index     the index file in the local snapshot (validated as {@link ShardedTensorStore} does)
     * @param source    where the checkpoint lives, for {@link #describe}
     * @param openShard opens a shard by its name in the index
     */
    RemoteShardedStore(Path index, String source, Function<String, TensorStore> openShard) {
        this.index = index;
        this.source = source;
        this.weightMap = ShardedTensorStore.open(index, p -> {
            throw new IllegalStateException("no local shard is opened");
        }).weightMap();
        this.openShard = openShard;
    }

    /** Tensor name to shard name. */
    Map<String, String> weightMap() {
        return weightMap;
    }

    @Override
    public synchronized List<TensorInfo> tensors() {
        if (all == null) {
            List<TensorInfo> list = new ArrayList<>();
            for (String name : weightMap.keySet()) {
                list.add(info(name));
            }
            all = Collections.unmodifiableList(list);
        }
        return all;
    }

    @Override
    public synchronized Optional<TensorInfo> find(String name) {
        return weightMap.containsKey(name) ? Optional.of(info(name)) : Optional.empty();
    }

    @Override
    public boolean contains(String name) {
        return weightMap.containsKey(name);
    }

    @Override
    public synchronized Matrix matrix(String name) {
        if (!weightMap.containsKey(name)) {
            throw new BadInputException(index, "lists no tensor \"" + name + "\"");
        }
        info(name);
        return shard(weightMap.get(name)).matrix(name);
    }

    @Override
    public String describe() {
        return source;
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<TensorStore> open = new ArrayList<>(shards.values());
        shards.clear();
        open.forEach(TensorStore::close);
    }

    private TensorInfo info(String name) {
        String shardName = weightMap.get(name);
        return shard(shardName).find(name).orElseThrow(() -> new BadInputException(index,
                "puts tensor \"" + name + "\" in shard \"" + shardName + "\", which does not hold it"));
    }

    private TensorStore shard(String name) {
        if (closed) {
            throw new IllegalStateException(source + " is closed");
        }
        return shards.computeIfAbsent(name, openShard);
    }
}
