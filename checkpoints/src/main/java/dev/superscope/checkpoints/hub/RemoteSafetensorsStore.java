package dev.superscope.checkpoints.hub;

import dev.superscope.checkpoints.safetensors.SafetensorsHeader;
import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.io.TerminalText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tensors of a {@code .safetensors} file on the hub, read without downloading the file: opening it
 * fetches the 8-byte length and the JSON header with two Range requests (or reads them from the
 * {@link TensorCache}); {@link #matrix} fetches just that tensor's bytes into the cache and maps them
 * from there. {@link #tensors} and {@link #find} need only the header.
 */
final class RemoteSafetensorsStore implements TensorStore {
    private final RemoteFile file;
    private final RemoteAccess access;
    private final SafetensorsHeader header;
    private final List<TensorInfo> tensors;
    private final Map<String, SafetensorsStore> fetched = new LinkedHashMap<>();
    private boolean closed;

    private RemoteSafetensorsStore(RemoteFile file, RemoteAccess access, SafetensorsHeader header) {
        this.file = file;
        this.access = access;
        this.header = header;
        this.tensors = header.entries().stream().map(e -> e.toTensorInfo(file.toString())).toList();
    }

    /**
     * Reads the header of {@code file}, from the cache or by two Range requests, and validates it against
     * the remote file's size.
     */
    static RemoteSafetensorsStore open(RemoteFile file, RemoteAccess access) {
        Path label = Path.of(file.toString());
        TensorCache.Head cached = access.cache().head(file).orElse(null);
        if (cached != null) {
            try {
                return new RemoteSafetensorsStore(file, access, parse(cached, label));
            } catch (BadInputException damaged) {
                if (access.offline()) {
                    throw damaged;
                }
                // A cached header that does not parse is fetched again rather than trusted.
            }
        }
        if (access.offline()) {
            throw RemoteAccess.offlineMiss("the safetensors header of " + file,
                    access.cache().directory(file).resolve("header.bin"));
        }
        HubClient.Range prefix = access.client().range(file.id(), file.commit(), file.file(), 0,
                SafetensorsHeader.PREFIX_BYTES);
        long n = SafetensorsHeader.headerLength(prefix.bytes(), prefix.fileSize(), label);
        byte[] json = n == 0 ? new byte[0]
                : access.client().range(file.id(), file.commit(), file.file(), SafetensorsHeader.PREFIX_BYTES,
                (int) n).bytes();
        byte[] bytes = Arrays.copyOf(prefix.bytes(), SafetensorsHeader.PREFIX_BYTES + json.length);
        System.arraycopy(json, 0, bytes, SafetensorsHeader.PREFIX_BYTES, json.length);
        TensorCache.Head head = new TensorCache.Head(prefix.fileSize(), bytes);
        SafetensorsHeader header = parse(head, label); // validated before it is cached
        access.cache().storeHead(file, head);
        return new RemoteSafetensorsStore(file, access, header);
    }

    private static SafetensorsHeader parse(TensorCache.Head head, Path label) {
        byte[] bytes = head.bytes();
        long n = SafetensorsHeader.headerLength(Arrays.copyOf(bytes, Math.min(bytes.length,
                SafetensorsHeader.PREFIX_BYTES)), head.fileSize(), label);
        if (bytes.length != SafetensorsHeader.PREFIX_BYTES + n) {
            throw new BadInputException(label, "cached header holds " + bytes.length + " bytes, not the "
                    + (SafetensorsHeader.PREFIX_BYTES + n) + " its length prefix declares");
        }
        return SafetensorsHeader.parse(Arrays.copyOfRange(bytes, SafetensorsHeader.PREFIX_BYTES, bytes.length),
                head.fileSize() - SafetensorsHeader.PREFIX_BYTES - n, label);
    }

    /** The remote file. */
    RemoteFile file() {
        return file;
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return header.entry(name).map(e -> e.toTensorInfo(file.toString()));
    }

    /**
     * A row-block view of the tensor: its bytes are fetched into the cache (once; later runs read the
     * cache) the first time rows are read, and mapped from there.
     */
    @Override
    public synchronized Matrix matrix(String name) {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        SafetensorsHeader.Entry entry = header.entry(name).orElseThrow(() -> new BadInputException(
                Path.of(file.toString()), "no tensor named \"" + name + "\" among its " + header.size() + " tensors"));
        long[] shape = entry.shape();
        if (shape.length != 2 || !entry.dtype().isDecodable() || shape[1] > Integer.MAX_VALUE) {
            // Refused before anything is downloaded.
            throw new BadInputException(Path.of(file.toString()), "tensor \"" + TerminalText.safe(name, 200) + "\" is "
                    + entry.dtype() + Arrays.toString(shape) + "; a matrix needs 2 dimensions and a float dtype");
        }
        return new FetchOnReadMatrix(name, entry.dtype(), shape[0], (int) shape[1], () -> local(entry).matrix(name));
    }

    /**
     * Any tensor as rows (1-D as 1 x n, N-D as {@code shape[0]} x the rest), fetched like {@link #matrix}
     * the first time rows are read: the small tensors of a forward pass (biases, norms) as well as its
     * matrices. Refused before anything is downloaded when it cannot be viewed.
     */
    @Override
    public synchronized Matrix view(String name) {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        SafetensorsHeader.Entry entry = header.entry(name).orElseThrow(() -> new BadInputException(
                Path.of(file.toString()), "no tensor named \"" + name + "\" among its " + header.size() + " tensors"));
        if (entry.shape().length == 2) {
            return matrix(name);
        }
        TensorInfo info = entry.toTensorInfo(file.toString());
        if (info.rank() == 0 || !entry.dtype().isDecodable() || info.viewCols() < 0
                || info.viewCols() > Integer.MAX_VALUE) {
            throw new BadInputException(Path.of(file.toString()), "tensor \"" + TerminalText.safe(name, 200) + "\" is "
                    + entry.dtype() + info.shapeString() + "; rows need at least 1 dimension and a float dtype");
        }
        return new FetchOnReadMatrix(name, entry.dtype(), info.viewRows(), (int) info.viewCols(),
                () -> local(entry).view(name));
    }

    private synchronized SafetensorsStore local(SafetensorsHeader.Entry entry) {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        SafetensorsStore local = fetched.get(entry.name());
        if (local == null) {
            Path cached = access.cache().tensor(file, entry, header.absoluteOffset(entry), access.client(),
                    access.listener());
            local = SafetensorsStore.open(cached);
            fetched.put(entry.name(), local);
        }
        return local;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<SafetensorsStore> open = new ArrayList<>(fetched.values());
        fetched.clear();
        open.forEach(SafetensorsStore::close);
    }
}
