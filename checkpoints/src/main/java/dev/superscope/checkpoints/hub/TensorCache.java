package dev.superscope.checkpoints.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.superscope.checkpoints.safetensors.SafetensorsHeader;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Superscope's own cache of tensors fetched by byte range, so that a model's LM head is downloaded once
 * and a later run (also offline) reuses it.
 *
 * <p>Layout under the root ({@code SUPERSCOPE_CACHE}, see {@link HubSettings}):
 * {@code tensors/<org>--<name>/<commit>/<file>/} per remote weights file, holding
 * <ul>
 *   <li>{@code header.bin}: the remote file's size (8 bytes, little-endian) followed by its first bytes
 *       up to the end of its header (safetensors: the 8-byte length and the JSON), so its tensor list
 *       needs no network the second time;</li>
 *   <li>{@code zip-ranges.bin} (PyTorch zips): the remote file's size, then the byte ranges read to
 *       index it (offset, length, bytes each): its end records and central directory, data.pkl, and the
 *       local headers of fetched storages;</li>
 *   <li>{@code <tensor>.safetensors}: one fetched tensor as a valid one-tensor safetensors file (the
 *       tensor name with every character outside {@code [A-Za-z0-9._-]} written as {@code %XX});</li>
 *   <li>{@code <tensor>.safetensors.part}: a download in progress: the one-tensor header, then the bytes
 *       received so far. An interrupted download resumes from its length with a Range request; the
 *       finished file is renamed into place.</li>
 *   <li>{@code <tensor>.safetensors.lock}: an empty file whose lock the run fetching the tensor holds, so
 *       that runs sharing the cache take turns (left in place; the lock, not the file, is what counts).</li>
 * </ul>
 * A cached tensor is used only when its header declares the name, dtype, shape and byte length the
 * remote header does and the file holds exactly that many bytes; otherwise it is fetched again.
 */
public final class TensorCache {
    private static final String HEADER_FILE = "header.bin";
    /** Where the byte ranges that index a PyTorch zip are kept. */
    static final String RANGES_FILE = "zip-ranges.bin";
    /**
     * Per lock file, the lock this process's threads take before the file lock. Process-wide by necessity,
     * not by convenience: the operating system holds file locks per process (a JVM cannot take one file's
     * lock twice), so every cache object of this process must queue its threads in one table.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();
    private final Path root;

    /** A cache rooted at {@code root} (created when first written). */
    public TensorCache(Path root) {
        this.root = root;
    }

    /** The cache's root. */
    public Path root() {
        return root;
    }

    /** Where the tensors of {@code file} are kept. */
    public Path directory(RemoteFile file) {
        Path dir = root.resolve("tensors").resolve(file.id().repo().replace("/", "--")).resolve(file.commit());
        for (String part : file.file().split("/")) {
            dir = dir.resolve(part);
        }
        return dir;
    }

    /** Where the tensor {@code tensor} of {@code file} is kept once complete. */
    public Path tensorPath(RemoteFile file, String tensor) {
        return directory(file).resolve(encode(tensor) + ".safetensors");
    }

    /** The cached remote header of {@code file}: its size and its first bytes, when stored. */
    Optional<Head> head(RemoteFile file) {
        Path path = directory(file).resolve(HEADER_FILE);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            byte[] all = Files.readAllBytes(path);
            if (all.length < 8) {
                return Optional.empty();
            }
            long size = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return Optional.of(new Head(size, Arrays.copyOfRange(all, 8, all.length)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Stores the remote header of {@code file}. */
    void storeHead(RemoteFile file, Head head) {
        Path path = directory(file).resolve(HEADER_FILE);
        byte[] all = new byte[8 + head.bytes().length];
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(head.fileSize());
        System.arraycopy(head.bytes(), 0, all, 8, head.bytes().length);
        try {
            AtomicFiles.write(path, all);
        } catch (IOException e) {
            throw SnapshotWriter.cannotWrite(path, e);
        }
    }

    /**
     * The byte ranges of {@code file} fetched to index it (a PyTorch zip: its first bytes, its end
     * records and central directory, the local headers and data of data.pkl and byteorder, and the local
     * headers of fetched storages), when stored and well-formed; they are parsed with the same checks
     * as fresh remote bytes.
     */
    Optional<Ranges> ranges(RemoteFile file) {
        Path path = directory(file).resolve(RANGES_FILE);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
            long size = b.getLong();
            java.util.TreeMap<Long, byte[]> out = new java.util.TreeMap<>();
            while (b.hasRemaining()) {
                long at = b.getLong();
                int length = b.getInt();
                if (at < 0 || length < 0 || length > b.remaining() || at > size - length) {
                    return Optional.empty();
                }
                byte[] bytes = new byte[length];
                b.get(bytes);
                out.put(at, bytes);
            }
            return Optional.of(new Ranges(size, out));
        } catch (IOException | RuntimeException damaged) {
            return Optional.empty(); // fetched again
        }
    }

    /** Stores the byte ranges of {@code file}, replacing what was stored. */
    void storeRanges(RemoteFile file, Ranges ranges) {
        Path path = directory(file).resolve(RANGES_FILE);
        int total = 8;
        for (byte[] b : ranges.bytes().values()) {
            total += 12 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN).putLong(ranges.fileSize());
        ranges.bytes().forEach((at, b) -> out.putLong(at).putInt(b.length).put(b));
        try {
            AtomicFiles.write(path, out.array());
        } catch (IOException e) {
            throw SnapshotWriter.cannotWrite(path, e);
        }
    }

    /** A remote file's size and some of its bytes, by position. */
    record Ranges(long fileSize, java.util.NavigableMap<Long, byte[]> bytes) {
    }

    /** A remote file's size and its leading bytes (through the end of its header). */
    record Head(long fileSize, byte[] bytes) {
    }

    /**
     * The cached one-tensor file for {@code entry}, fetching it (bytes {@code [absoluteStart,
     * absoluteStart + entry.byteLength())} of the remote file) when it is missing or does not match.
     *
     * @param client null when offline: a miss is then an error naming what is missing and where it looked
     */
    Path tensor(RemoteFile file, SafetensorsHeader.Entry entry, long absoluteStart, HubClient client,
                DownloadListener listener) {
        return tensor(file, entry, () -> absoluteStart, client, listener);
    }

    /**
     * As {@link #tensor(RemoteFile, SafetensorsHeader.Entry, long, HubClient, DownloadListener)}, with the
     * remote position asked for only when the tensor must be fetched (a PyTorch zip's storage position
     * needs a request of its own; a cached tensor needs none).
     */
    Path tensor(RemoteFile file, SafetensorsHeader.Entry entry, LongSupplier startOnMiss, HubClient client,
                DownloadListener listener) {
        Path target = tensorPath(file, entry.name());
        if (Files.isRegularFile(target)) {
            if (matches(target, entry)) {
                return target;
            }
            deleteQuietly(target); // stale or damaged: fetch it again
        }
        if (client == null) {
            throw new SuperscopeException(SuperscopeException.NETWORK, "offline: tensor " + entry.name() + " of "
                    + file + " is not cached (looked for " + target + "); run once without --offline/HF_HUB_OFFLINE"
                    + " to fetch its " + entry.byteLength() + " bytes");
        }
        return exclusively(target, () -> {
            if (Files.isRegularFile(target) && matches(target, entry)) {
                return target; // another run fetched it while this one waited
            }
            return fetch(file, entry, startOnMiss.getAsLong(), client, target);
        });
    }

    private Path fetch(RemoteFile file, SafetensorsHeader.Entry entry, long absoluteStart, HubClient client,
                       Path target) {
        byte[] head = oneTensorHeader(entry);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.getParent());
            long have = resumable(part, head, entry.byteLength());
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                if (have < 0) {
                    out.truncate(0);
                    writeFully(out, ByteBuffer.wrap(head));
                    have = 0;
                }
                out.position(head.length + have);
                if (have < entry.byteLength()) {
                    client.download(file.id(), file.commit(), file.file(), absoluteStart + have,
                            absoluteStart + entry.byteLength(), out, entry.name(), have);
                }
                out.force(false);
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw SnapshotWriter.cannotWrite(part, e);
        }
        if (!matches(target, entry)) {
            deleteQuietly(target);
            throw new BadInputException(target, "the downloaded tensor " + entry.name() + " does not match the"
                    + " remote header of " + file + " (" + entry.dtype() + Arrays.toString(entry.shape()) + ", "
                    + entry.byteLength() + " bytes); removed, try again");
        }
        return target;
    }

    /**
     * Runs {@code fetch} holding the tensor's lock, so two runs sharing the cache never write the same
     * {@code .part} file at once: the later one waits, then finds the tensor cached. Threads of this
     * process queue on an in-process lock (a JVM cannot hold two file locks on one file), processes on a
     * file lock on {@code <tensor>.safetensors.lock}, which the operating system releases if a run dies.
     */
    private static Path exclusively(Path target, Supplier<Path> fetch) {
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return fetch.get();
            }
        } catch (IOException e) {
            throw SnapshotWriter.cannotWrite(lockFile, e);
        } finally {
            local.unlock();
        }
    }

    /**
     * The cached one-tensor file for a tensor whose elements are not row-major in the remote file (a
     * strided PyTorch view): the bytes it spans remotely, {@code [extent[0], extent[1])}, are downloaded
     * into {@code <tensor>.safetensors.strided.part} (resumed like any download), then {@code view} reads
     * them back as a matrix whose row blocks are gathered, row-major, into the one-tensor file. The cache
     * thus always holds row-major tensors, whatever their layout on the hub.
     *
     * @param extentOnMiss asked only when the tensor must be fetched
     * @param view         the tensor as a matrix over the downloaded span (its first element at byte 0)
     */
    Path gathered(RemoteFile file, SafetensorsHeader.Entry entry, Supplier<long[]> extentOnMiss,
                  BiFunction<FileChannel, Path, Matrix> view, HubClient client, DownloadListener listener) {
        Path target = tensorPath(file, entry.name());
        if (Files.isRegularFile(target)) {
            if (matches(target, entry)) {
                return target;
            }
            deleteQuietly(target);
        }
        if (client == null) {
            throw new SuperscopeException(SuperscopeException.NETWORK, "offline: tensor " + entry.name() + " of "
                    + file + " is not cached (looked for " + target + "); run once without --offline/HF_HUB_OFFLINE"
                    + " to fetch it");
        }
        return exclusively(target, () -> {
            if (Files.isRegularFile(target) && matches(target, entry)) {
                return target; // another run gathered it while this one waited
            }
            return gather(file, entry, extentOnMiss.get(), view, client, target);
        });
    }

    private Path gather(RemoteFile file, SafetensorsHeader.Entry entry, long[] extent,
                        BiFunction<FileChannel, Path, Matrix> view, HubClient client, Path target) {
        long length = extent[1] - extent[0];
        Path raw = target.resolveSibling(target.getFileName() + ".strided.part");
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel out = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long have = out.size();
                if (have > length) {
                    out.truncate(0);
                    have = 0;
                }
                out.position(have);
                if (have < length) {
                    client.download(file.id(), file.commit(), file.file(), extent[0] + have, extent[1], out,
                            entry.name(), have);
                }
                out.force(false);
            }
            try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                Matrix m = view.apply(in, raw);
                writeFully(out, ByteBuffer.wrap(oneTensorHeader(entry)));
                long rowBytes = (long) m.cols() * m.dtype().byteSize();
                int block = (int) Math.max(1, Math.min(m.rows(), (8L << 20) / Math.max(1, rowBytes)));
                for (long first = 0; first < m.rows(); first += block) {
                    writeFully(out, m.rawRows(first, (int) Math.min(block, m.rows() - first)));
                }
                out.force(false);
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(raw);
        } catch (IOException e) {
            throw SnapshotWriter.cannotWrite(part, e);
        }
        if (!matches(target, entry)) {
            deleteQuietly(target);
            throw new BadInputException(target, "the gathered tensor " + entry.name() + " of " + file
                    + " does not hold the " + entry.byteLength() + " bytes expected; removed, try again");
        }
        return target;
    }

    /** Bytes of data already in {@code part}, or -1 when it must be started afresh. */
    private static long resumable(Path part, byte[] head, long dataLength) throws IOException {
        if (!Files.isRegularFile(part)) {
            return -1;
        }
        long size = Files.size(part);
        if (size < head.length || size > head.length + dataLength) {
            return -1;
        }
        byte[] start = new byte[head.length];
        try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(start);
            while (b.hasRemaining() && in.read(b) >= 0) {
                // read the header this .part claims to continue
            }
        }
        return Arrays.equals(start, head) ? size - head.length : -1;
    }

    /** True when {@code file} is a one-tensor safetensors file declaring exactly {@code entry}'s tensor. */
    static boolean matches(Path file, SafetensorsHeader.Entry entry) {
        try {
            SafetensorsHeader h = SafetensorsHeader.read(file);
            if (h.size() != 1) {
                return false;
            }
            SafetensorsHeader.Entry cached = h.entries().get(0);
            return cached.name().equals(entry.name()) && cached.dtype() == entry.dtype()
                    && Arrays.equals(cached.shape(), entry.shape()) && cached.byteLength() == entry.byteLength()
                    && h.dataLength() == entry.byteLength();
        } catch (BadInputException e) {
            return false;
        }
    }

    /** The 8-byte length and padded JSON header of a file holding only {@code entry}. */
    static byte[] oneTensorHeader(SafetensorsHeader.Entry entry) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(json)) {
            g.writeStartObject();
            SafetensorsWriter.writeEntry(g, entry.name(), entry.dtype(), entry.shape(), 0, entry.byteLength());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        while (json.size() % 8 != 0) {
            json.write(' ');
        }
        ByteBuffer out = ByteBuffer.allocate(8 + json.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.size()).put(json.toByteArray());
        return out.array();
    }

    /**
     * A tensor name as a file name: {@code [A-Za-z0-9._-]} kept (no leading dot), the rest as %XX. A name
     * whose encoding would pass {@value #MAX_ENCODED} characters (file systems allow 255 bytes, and
     * ".safetensors.part" follows) is cut and given the SHA-256 of the whole name, so it still has a file.
     */
    static String encode(String tensor) {
        StringBuilder out = new StringBuilder();
        byte[] utf8 = tensor.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length && out.length() <= MAX_ENCODED; i++) {
            int c = utf8[i] & 0xFF;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || (c == '.' && i > 0);
            out.append(plain ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        if (out.length() > MAX_ENCODED) {
            out.setLength(MAX_ENCODED - 66);
            out.append('~').append(ContentHashes.sha256(utf8)).append('~');
        }
        return out.toString();
    }

    /** Longest encoded tensor name; with ".safetensors.strided.part" it stays within 255 bytes. */
    static final int MAX_ENCODED = 200;

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // The next write replaces it anyway.
        }
    }
}
