package dev.superscope.checkpoints;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorNames;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.io.TerminalText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The tensors of a sharded checkpoint, as listed by its index file
 * ({@code {"metadata": {...}, "weight_map": {"tensor": "shard file", ...}}}, the layout of
 * {@code model.safetensors.index.json} and {@code pytorch_model.bin.index.json}).
 *
 * <p>Shards are opened lazily, the first time a tensor in them is asked for, so reading the embedding
 * of a 30-shard checkpoint opens one shard file. {@link #contains} answers from the index alone;
 * {@link #find} and {@link #matrix} open the one shard that holds the tensor; {@link #tensors} needs
 * every tensor's dtype and shape and therefore opens (reads the header of) every shard. A shard that
 * is never needed may be absent, as in a partial download.
 *
 * <p>Shard names must be plain relative paths inside the index's directory: no {@code ..}, no absolute
 * path, no backslash or drive letter. Symbolic links are followed (the Hugging Face cache links
 * snapshot files to its blob store).
 */
public final class ShardedTensorStore implements TensorStore {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final Path index;
    private final String description;
    private final Map<String, String> weightMap;
    private final Function<String, TensorStore> openShardNamed;
    private final Map<String, TensorStore> openShards = new LinkedHashMap<>();
    private List<TensorInfo> allTensors;
    private boolean closed;

    private ShardedTensorStore(Path index, String description, Map<String, String> weightMap,
                               Function<String, TensorStore> openShardNamed) {
        this.index = index;
        this.description = description;
        this.weightMap = weightMap;
        this.openShardNamed = openShardNamed;
    }

    /**
     * Reads and validates the index; opens no shard. Shards are opened with the safetensors or PyTorch
     * reader according to their file names.
     *
     * @throws BadInputException when the index is not JSON, has no {@code weight_map}, or names a shard
     *                           outside its directory or of an unknown type
     */
    public static ShardedTensorStore open(Path indexFile) {
        return open(indexFile, TensorFiles::openShard);
    }

    /** As {@link #open(Path)}, opening shards with {@code shardOpener} (called at most once per shard). */
    public static ShardedTensorStore open(Path indexFile, Function<Path, TensorStore> shardOpener) {
        Path directory = indexFile.toAbsolutePath().getParent();
        Function<String, TensorStore> openLocalShard = shardName -> {
            Path file = directory.resolve(shardName);
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(indexFile, "names shard " + quote(shardName)
                        + ", which is missing (looked for " + file + ")");
            }
            return shardOpener.apply(file);
        };
        return new ShardedTensorStore(indexFile, indexFile.toString(), readWeightMap(indexFile), openLocalShard);
    }

    /**
     * A sharded checkpoint whose index is the local file {@code indexFile} (validated as by
     * {@link #open(Path)}) but whose shards live elsewhere, e.g. on a remote hub: {@code openShardNamed}
     * opens a shard given its name as the index spells it (called at most once per shard, and no local
     * file is looked for). {@link #describe} answers {@code description}.
     */
    public static ShardedTensorStore openWithShardsFrom(Path indexFile, String description,
                                                        Function<String, TensorStore> openShardNamed) {
        return new ShardedTensorStore(indexFile, description, readWeightMap(indexFile), openShardNamed);
    }

    /**
     * The validated {@code weight_map} of an index file (tensor name to shard name, sorted by tensor name);
     * opens no shard.
     *
     * @throws BadInputException as {@link #open(Path)} does for a bad index
     */
    public static Map<String, String> readWeightMap(Path indexFile) {
        Map<String, Object> json = JsonFiles.readObject(indexFile);
        Object map = json.get("weight_map");
        if (!(map instanceof Map<?, ?> entries)) {
            throw new BadInputException(indexFile, map == null ? "has no \"weight_map\""
                    : "has a \"weight_map\" that is not an object");
        }
        Map<String, String> weightMap = new TreeMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String tensor = (String) e.getKey();
            if (!(e.getValue() instanceof String shard)) {
                throw new BadInputException(indexFile, "weight_map maps tensor " + quote(tensor) + " to "
                        + kind(e.getValue()) + ", not a shard file name");
            }
            checkShardName(indexFile, tensor, shard);
            weightMap.put(tensor, shard);
        }
        return Collections.unmodifiableMap(weightMap);
    }

    /** Tensor name to shard file name, sorted by tensor name, as the index lists them. */
    public Map<String, String> weightMap() {
        return weightMap;
    }

    /** The index file. */
    public Path index() {
        return index;
    }

    /** Every tensor of the index; opens every shard (headers only) the first time. */
    @Override
    public synchronized List<TensorInfo> tensors() {
        if (allTensors == null) {
            List<TensorInfo> list = new ArrayList<>(weightMap.size());
            for (String name : weightMap.keySet()) {
                list.add(info(name));
            }
            allTensors = Collections.unmodifiableList(list);
        }
        return allTensors;
    }

    /** The tensor called {@code name}; opens the shard the index puts it in. */
    @Override
    public synchronized Optional<TensorInfo> find(String name) {
        return weightMap.containsKey(name) ? Optional.of(info(name)) : Optional.empty();
    }

    /** Every tensor name the index lists; opens no shard. */
    @Override
    public List<String> names() {
        return List.copyOf(weightMap.keySet());
    }

    /** Whether the index lists {@code name}; opens no shard. */
    @Override
    public boolean contains(String name) {
        return weightMap.containsKey(name);
    }

    @Override
    public synchronized Matrix matrix(String name) {
        return shardHolding(name).matrix(name);
    }

    /** Any tensor as rows, as the shard holding it views it. */
    @Override
    public synchronized Matrix view(String name) {
        return shardHolding(name).view(name);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        for (TensorStore shard : openShards.values()) {
            try {
                shard.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        openShards.clear();
        if (first != null) {
            throw first;
        }
    }

    /** The shard that holds {@code name}, after checking that the index lists it and the shard has it. */
    private TensorStore shardHolding(String name) {
        if (!weightMap.containsKey(name)) {
            throw new BadInputException(index, TensorNames.absent(name, this));
        }
        info(name);
        return shard(weightMap.get(name));
    }

    private TensorInfo info(String name) {
        String shardName = weightMap.get(name);
        return shard(shardName).find(name).orElseThrow(() -> new BadInputException(index,
                "puts tensor \"" + name + "\" in shard \"" + shardName + "\", which does not hold it"));
    }

    private TensorStore shard(String shardName) {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
        return openShards.computeIfAbsent(shardName, openShardNamed);
    }

    /** Rejects anything but a plain relative path below the index's directory (checked lexically). */
    private static void checkShardName(Path indexFile, String tensor, String shard) {
        String problem = null;
        if (shard.isEmpty()) {
            problem = "is empty";
        } else if (shard.indexOf('\\') >= 0) {
            problem = "contains a backslash";
        } else if (shard.startsWith("/")) {
            problem = "is an absolute path";
        } else if (DRIVE.matcher(shard).matches()) {
            problem = "starts with a drive letter";
        } else if (shard.chars().anyMatch(c -> c < 0x20)) {
            problem = "contains a control character";
        } else {
            for (String part : shard.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    problem = "is not a plain relative path inside the checkpoint directory";
                    break;
                }
            }
        }
        if (problem == null && !TensorFiles.isShardName(shard)) {
            problem = "is not a .safetensors, .bin, .pt or .pth file";
        }
        if (problem != null) {
            throw new BadInputException(indexFile, "shard name " + quote(shard) + " (for tensor " + quote(tensor)
                    + ") " + problem);
        }
    }

    /** A name from the index, quoted for a one-line message: escaped, and cut short when long. */
    private static String quote(String s) {
        return "\"" + TerminalText.safe(s, 200) + "\"";
    }

    /** What a JSON value is, for a message: never the value itself, which may be huge. */
    private static String kind(Object value) {
        return value == null ? "null" : value instanceof Map ? "an object" : value instanceof List<?> l
                ? "a list of " + l.size() : value instanceof Number ? "a number" : value instanceof Boolean
                ? "a boolean" : "a " + value.getClass().getSimpleName();
    }
}
