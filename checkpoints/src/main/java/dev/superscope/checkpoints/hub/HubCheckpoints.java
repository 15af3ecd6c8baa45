package dev.superscope.checkpoints.hub;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.checkpoints.ShardedTensorStore;
import dev.superscope.checkpoints.TokenizerFiles;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.ForwardingTensorStore;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.io.TerminalText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Opens a checkpoint named by a hub id, downloading as little as possible.
 *
 * <ol>
 *   <li>A snapshot already complete in the Hugging Face cache (config.json and every weights file) is
 *       opened locally, with no network.</li>
 *   <li>Otherwise the revision is resolved to a commit ({@code refs/<revision>} is written), the small
 *       files (config, tokenizer, shard index) are downloaded whole into the Hugging Face cache, and the
 *       weights are opened remotely: headers by Range requests (a safetensors header; a PyTorch zip's
 *       directory and data.pkl), each tensor's bytes only when a matrix of it is read, kept in the
 *       {@link TensorCache}.</li>
 *   <li>Offline ({@code HF_HUB_OFFLINE=1} or {@code --offline}), the commit comes from
 *       {@code refs/<revision>} and everything from the two caches; a miss names what is missing and where
 *       it looked.</li>
 * </ol>
 * The weights file is chosen as {@link CheckpointOpener} chooses it in a directory, from the
 * repository's file list.
 */
public final class HubCheckpoints {
    /** Whole files fetched when the repository has them: small, and what loaders and tokenizers read. */
    static final List<String> SMALL_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "vocab.json", "merges.txt", "vocab.txt", "special_tokens_map.json",
            "added_tokens.json");
    private static final long SMALL_FILE_CAP = 64L << 20;
    private static final List<String> STANDARD_WEIGHTS = List.of("model.safetensors",
            "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json");

    private HubCheckpoints() {
    }

    /**
     * Opens {@code id}.
     *
     * @param displayId what the user typed, kept as the checkpoint's id
     * @throws SuperscopeException exit 3 for a missing or gated repository, revision or file and for
     *                             malformed files; exit 4 when the hub cannot be reached or, offline, when
     *                             something is not cached
     */
    public static Checkpoint open(HubId id, String displayId, HubSettings settings, DownloadListener listener) {
        Optional<Path> local = completeSnapshot(settings.hfCache(), id);
        if (local.isPresent()) {
            try {
                return CheckpointOpener.open(local.get(), displayId);
            } catch (BadInputException damaged) {
                if (settings.offline()) {
                    throw damaged;
                }
                // A cached file that does not parse is not trusted for ever: the hub is asked, once.
            }
        }
        TensorCache tensorCache = new TensorCache(settings.tensorCache());
        SnapshotWriter writer = new SnapshotWriter(settings.hfCache());
        HubClient client = settings.offline() ? null : new HubClient(settings, listener);
        try {
            String commit;
            Path snapshot;
            List<String> files;
            if (client == null) {
                snapshot = offlineSnapshot(settings.hfCache(), id);
                commit = snapshot.getFileName().toString();
                files = offlineFiles(snapshot, tensorCache.directory(new RemoteFile(id, commit, "x")).getParent());
            } else {
                HubClient.Revision revision = client.revision(id);
                commit = revision.commit();
                writer.writeRef(id.repo(), id.revision(), commit);
                snapshot = writer.snapshot(id.repo(), commit);
                files = revision.files();
            }
            SnapshotFiles small = new SnapshotFiles(client, writer, id, commit, snapshot);
            for (String name : SMALL_FILES) {
                if (files.contains(name)) {
                    small.fetchIfMissing(name);
                }
            }
            String weights = chooseWeights(files, id, commit);
            RemoteAccess access = new RemoteAccess(tensorCache, client, listener);
            TensorStore tensors;
            String source = id.repo() + "@" + commit + "/" + weights;
            if (weights.endsWith(".index.json")) {
                small.fetchIfMissing(weights);
                Path index = snapshot.resolve(weights);
                if (!Files.isRegularFile(index)) {
                    throw RemoteAccess.offlineMiss("the shard index " + weights + " of " + id, index);
                }
                int slash = weights.lastIndexOf('/');
                String prefix = slash < 0 ? "" : weights.substring(0, slash + 1);
                // The index is local; each shard is opened remotely (its header fetched) on first use.
                tensors = small.parsed(() -> ShardedTensorStore.openWithShardsFrom(index, source,
                        shard -> openRemote(new RemoteFile(id, commit, prefix + shard), access)));
            } else {
                tensors = openRemote(new RemoteFile(id, commit, weights), access);
            }
            TensorStore owned = client == null ? tensors : new ClosingStore(tensors, client);
            try {
                return new Checkpoint(displayId, snapshot, small.parsed(() -> CheckpointOpener.readConfig(snapshot)),
                        owned, small.parsed(() -> TokenizerFiles.read(snapshot)));
            } catch (RuntimeException e) {
                owned.close();
                throw e;
            }
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }

    /** The snapshot of {@code id} when the Hugging Face cache holds config.json and all its weights. */
    static Optional<Path> completeSnapshot(HuggingFaceCache cache, HubId id) {
        Path snapshot;
        Path weights;
        try {
            snapshot = cache.snapshot(id);
            if (!Files.isRegularFile(snapshot.resolve("config.json"))) {
                return Optional.empty();
            }
            weights = CheckpointOpener.weightsFile(snapshot);
        } catch (BadInputException incomplete) {
            return Optional.empty();
        }
        if (weights.getFileName().toString().endsWith(".index.json")) {
            Path dir = weights.getParent();
            for (String shard : ShardedTensorStore.readWeightMap(weights).values()) {
                if (!Files.isRegularFile(dir.resolve(shard))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(snapshot);
    }

    /**
     * The weights file among {@code files} (repository paths), by the rules of {@link CheckpointOpener}:
     * the standard names first, then the single file of each kind.
     */
    static String chooseWeights(List<String> files, HubId id, String commit) {
        for (String name : STANDARD_WEIGHTS) {
            if (files.contains(name)) {
                return name;
            }
        }
        List<String> topLevel = files.stream().filter(f -> !f.contains("/")).toList();
        for (Predicate<String> kind : List.<Predicate<String>>of(
                n -> n.endsWith(".safetensors.index.json"),
                n -> n.endsWith(".safetensors"),
                n -> n.endsWith(".bin.index.json"),
                n -> n.endsWith(".bin") && !n.equals("training_args.bin"))) {
            List<String> matching = topLevel.stream().filter(f -> kind.test(f.toLowerCase(Locale.ROOT))).toList();
            if (matching.size() == 1) {
                return matching.get(0);
            }
            if (matching.size() > 1) {
                throw new SuperscopeException(SuperscopeException.BAD_INPUT, id.repo() + "@" + commit
                        + " holds several candidate weights files ("
                        + String.join(", ", matching.stream().map(f -> TerminalText.safe(f, 120)).toList())
                        + "); download the one to audit and pass its path");
            }
        }
        throw new SuperscopeException(SuperscopeException.BAD_INPUT, id.repo() + "@" + commit + " holds no weights file"
                + " Superscope reads (model.safetensors, a *.safetensors or *.bin file, or a shard index)"
                + (files.isEmpty() ? "" : "; it has: " + summary(files)));
    }

    private static TensorStore openRemote(RemoteFile file, RemoteAccess access) {
        String name = file.file().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return RemoteSafetensorsStore.open(file, access);
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            return RemoteTorchStore.open(file, access);
        }
        throw new BadInputException(Path.of(file.toString()), "is not a .safetensors or .bin weights file");
    }

    /**
     * The small files of one snapshot: fetched whole when missing, and, when a cached one fails to parse,
     * fetched again once (its link replaced) before the failure is believed. A file left damaged by an
     * earlier run or another tool (a compressed config.json) thus heals against a good hub instead of
     * failing every run; offline, the failure stands.
     */
    private static final class SnapshotFiles {
        private final HubClient client;
        private final SnapshotWriter writer;
        private final HubId id;
        private final String commit;
        private final Path snapshot;
        private final Set<String> fetchedThisRun = new HashSet<>();

        SnapshotFiles(HubClient client, SnapshotWriter writer, HubId id, String commit, Path snapshot) {
            this.client = client;
            this.writer = writer;
            this.id = id;
            this.commit = commit;
            this.snapshot = snapshot;
        }

        /** Fetches {@code file} unless the snapshot has it (a snapshot's files never change: the commit names them). */
        void fetchIfMissing(String file) {
            if (client != null && !Files.isRegularFile(snapshot.resolve(file))) {
                fetch(file);
            }
        }

        /** {@code parse}'s result; a parse failure in a cached small file is retried once after fetching it again. */
        <T> T parsed(Supplier<T> parse) {
            while (true) {
                try {
                    return parse.get();
                } catch (BadInputException e) {
                    String file = snapshotFile(e.file());
                    if (client == null || file == null || fetchedThisRun.contains(file)) {
                        throw e;
                    }
                    writer.forget(id.repo(), commit, file);
                    fetch(file);
                }
            }
        }

        private void fetch(String file) {
            HubClient.FileBody body = client.file(id, commit, file, SMALL_FILE_CAP);
            writer.writeFile(id.repo(), commit, file, body.content(), body.etag(), body.etagVerified());
            fetchedThisRun.add(file);
        }

        /** {@code failed} as a file name of the snapshot that this class fetches, else null. */
        private String snapshotFile(Path failed) {
            if (failed == null || !failed.startsWith(snapshot)) {
                return null;
            }
            String name = snapshot.relativize(failed).toString().replace('\\', '/');
            return SMALL_FILES.contains(name) || name.endsWith(".index.json") ? name : null;
        }
    }

    private static Path offlineSnapshot(HuggingFaceCache cache, HubId id) {
        try {
            return cache.snapshot(id);
        } catch (BadInputException miss) {
            throw RemoteAccess.offlineMiss(id.repo() + " at revision \"" + id.revision() + "\"", miss.file());
        }
    }

    /** Files known offline: those in the snapshot and the weights files whose headers the tensor cache holds. */
    private static List<String> offlineFiles(Path snapshot, Path tensorDir) {
        List<String> files = new ArrayList<>();
        for (Path dir : List.of(snapshot, tensorDir)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            boolean cache = dir.equals(tensorDir);
            try (Stream<Path> walk = Files.walk(dir, 4)) {
                walk.filter(p -> cache ? isIndexFile(p) : Files.isRegularFile(p))
                        .map(p -> dir.relativize(cache ? p.getParent() : p).toString().replace('\\', '/'))
                        .filter(f -> !f.isEmpty() && !files.contains(f))
                        .forEach(files::add);
            } catch (IOException e) {
                throw new BadInputException(dir, "cannot be listed: " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** The cached index of a remote weights file: a safetensors header or a PyTorch zip's ranges. */
    private static boolean isIndexFile(Path p) {
        String name = p.getFileName().toString();
        return name.equals("header.bin") || name.equals(TensorCache.RANGES_FILE);
    }

    private static String summary(List<String> files) {
        List<String> shown = files.size() <= 12 ? files : files.subList(0, 12);
        return String.join(", ", shown.stream().map(f -> TerminalText.safe(f, 120)).toList()) + (files.size() > shown.size() ? ", ..." : "");
    }

    /** A store that also closes the client it fetches with. */
    private static final class ClosingStore extends ForwardingTensorStore {
        private final HubClient client;

        ClosingStore(TensorStore inner, HubClient client) {
            super(inner);
            this.client = client;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                client.close();
            }
        }
    }
}
