package dev.superscope.checkpoints.hub;

import dev.superscope.checkpoints.safetensors.SafetensorsHeader;
import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.io.TerminalText;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The tensors of a {@code .safetensors} file on the hub, read without downloading the file: opening it
 * fetches the 8-byte length and the JSON header with two Range requests (or reads them from the
 * {@link TensorCache}); {@link #matrix} fetches just that tensor's bytes into the cache and maps them
 * from there. {@link #tensors} and {@link #find} need only the header.
 */
final class RemoteSafetensorsStore extends RemoteTensorStore {
    private final SafetensorsHeader header;

    private RemoteSafetensorsStore(RemoteFile file, RemoteAccess access, SafetensorsHeader header) {
        super(file, access, header.entries().stream().map(e -> e.toTensorInfo(file.toString())).toList());
        this.header = header;
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

    /**
     * A row-block view of the tensor: its bytes are fetched into the cache (once; later runs read the
     * cache) the first time rows are read, and mapped from there.
     */
    @Override
    public synchronized Matrix matrix(String name) {
        SafetensorsHeader.Entry entry = openEntry(name);
        long[] shape = entry.shape();
        if (shape.length != 2 || !entry.dtype().isDecodable() || shape[1] > Integer.MAX_VALUE) {
            // Refused before anything is downloaded.
            throw new BadInputException(label(), "tensor \"" + TerminalText.safe(name, 200) + "\" is "
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
        SafetensorsHeader.Entry entry = openEntry(name);
        if (entry.shape().length == 2) {
            return matrix(name);
        }
        TensorInfo info = entry.toTensorInfo(file.toString());
        if (info.rank() == 0 || !entry.dtype().isDecodable() || info.viewCols() < 0
                || info.viewCols() > Integer.MAX_VALUE) {
            throw new BadInputException(label(), "tensor \"" + TerminalText.safe(name, 200) + "\" is "
                    + entry.dtype() + info.shapeString() + "; rows need at least 1 dimension and a float dtype");
        }
        return new FetchOnReadMatrix(name, entry.dtype(), info.viewRows(), (int) info.viewCols(),
                () -> local(entry).view(name));
    }

    /** The header's entry for {@code name}, while the store is open. */
    private SafetensorsHeader.Entry openEntry(String name) {
        checkOpen();
        return header.entry(name).orElseThrow(() -> new BadInputException(label(),
                "no tensor named \"" + TerminalText.safe(name, 200) + "\" among its " + header.size() + " tensors"));
    }

    private SafetensorsStore local(SafetensorsHeader.Entry entry) {
        return fetched(entry.name(), () -> access.cache().tensor(file, entry, header.absoluteOffset(entry),
                access.client(), access.listener()));
    }
}
