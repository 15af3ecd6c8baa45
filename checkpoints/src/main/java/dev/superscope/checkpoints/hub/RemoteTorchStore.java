package dev.superscope.checkpoints.hub;

import dev.superscope.checkpoints.safetensors.SafetensorsHeader;
import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.checkpoints.torch.TensorLayout;
import dev.superscope.checkpoints.torch.TorchZipIndex;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.io.TerminalText;
import java.nio.file.Path;

/**
 * The tensors of a PyTorch {@code torch.save} zip ({@code pytorch_model.bin}) on the hub, read without
 * downloading the file. Opening fetches, by Range requests, its first bytes, its end records and central
 * directory, and the {@code data.pkl} and {@code byteorder} entries, and runs on them every check
 * {@link dev.superscope.checkpoints.torch.TorchZipStore} runs on a local file (the restricted unpickler
 * included: nothing in the pickle executes). Those ranges are kept in the {@link TensorCache}, so a
 * later run needs no network to list the tensors.
 *
 * <p>{@link #matrix} fetches a tensor's bytes the first time rows are read: its storage entry's local
 * header (checked), then exactly the bytes the tensor views. Each is cached as a one-tensor safetensors
 * file, always row-major: a contiguous tensor's bytes are written as they arrive (and resume after an
 * interruption); a strided one's span is downloaded first and gathered into row-major order.
 */
final class RemoteTorchStore extends RemoteTensorStore {
    private final CachedRangeSource source;
    private final TorchZipIndex index;

    private RemoteTorchStore(RemoteFile file, RemoteAccess access, CachedRangeSource source, TorchZipIndex index) {
        super(file, access, index.tensors());
        this.source = source;
        this.index = index;
    }

    /** Indexes {@code file} from the cache or by Range requests; refuses anything TorchZipStore refuses. */
    static RemoteTorchStore open(RemoteFile file, RemoteAccess access) {
        CachedRangeSource source = new CachedRangeSource(file, access, true);
        TorchZipIndex index;
        try {
            index = TorchZipIndex.read(source, Path.of(file.toString()));
        } catch (BadInputException refused) {
            if (access.offline() || !source.usedCachedRanges()) {
                throw refused;
            }
            // Cached ranges that do not index the file are fetched again rather than trusted.
            source = new CachedRangeSource(file, access, false);
            index = TorchZipIndex.read(source, Path.of(file.toString()));
        }
        source.persist(); // only once the index passed every check
        return new RemoteTorchStore(file, access, source, index);
    }

    /**
     * A row-block view of the 2-D tensor {@code name}, refused before anything is downloaded when it
     * cannot be one; its bytes are fetched into the cache the first time rows are read.
     */
    @Override
    public synchronized Matrix matrix(String name) {
        checkOpen();
        TensorLayout layout = index.requireMatrix(name);
        long[] shape = layout.shape();
        return new FetchOnReadMatrix(name, layout.dtype(), shape[0], (int) shape[1],
                () -> local(layout).matrix(name));
    }

    /**
     * Any tensor as rows (1-D as 1 x n, N-D as {@code shape[0]} x the rest), fetched into the cache the
     * first time rows are read, as {@link #matrix} does: the small tensors of a forward pass as well as
     * its matrices. Refused before anything is downloaded when it cannot be viewed (a scalar, a dtype
     * that is not a float, or a strided tensor of other than 2 dimensions).
     */
    @Override
    public synchronized Matrix view(String name) {
        checkOpen();
        TensorInfo info = index.find(name).orElseThrow(() -> new BadInputException(label(),
                "no tensor named \"" + TerminalText.safe(name, 200) + "\""));
        if (info.rank() == 2) {
            return matrix(name);
        }
        TensorLayout layout = index.layout(name).orElseThrow();
        if (info.rank() == 0 || !info.dtype().isDecodable() || !layout.isContiguous() || info.viewCols() < 0
                || info.viewCols() > Integer.MAX_VALUE) {
            throw new BadInputException(label(), "tensor \"" + TerminalText.safe(name, 200) + "\" is "
                    + info.dtype() + info.shapeString() + (layout.isContiguous() ? "" : ", strided")
                    + "; rows need at least 1 dimension, a float dtype and, beyond 2 dimensions, contiguous storage");
        }
        return new FetchOnReadMatrix(name, info.dtype(), info.viewRows(), (int) info.viewCols(),
                () -> local(layout).view(name));
    }

    private SafetensorsStore local(TensorLayout layout) {
        return fetched(layout.name(), () -> download(layout));
    }

    /** Downloads the tensor into the cache, gathered into row-major order when it is strided. */
    private Path download(TensorLayout layout) {
        String name = layout.name();
        long bytes = layout.elementCount() * layout.dtype().byteSize();
        SafetensorsHeader.Entry entry = new SafetensorsHeader.Entry(name, layout.dtype(), layout.shape(), 0, bytes);
        if (layout.isContiguous()) {
            return access.cache().tensor(file, entry, () -> span(name).tensorStart(), access.client(),
                    access.listener());
        }
        long[] extent = new long[2];
        return access.cache().gathered(file, entry, () -> {
            TorchZipIndex.Span s = span(name);
            extent[0] = s.tensorStart();
            extent[1] = s.tensorEnd();
            return extent.clone();
        }, (channel, path) -> TorchZipIndex.matrix(layout, channel, path, 0, extent[1] - extent[0]),
                access.client(), access.listener());
    }

    /** Where the tensor lies remotely; its storage's local header is fetched (and kept) the first time. */
    private TorchZipIndex.Span span(String name) {
        TorchZipIndex.Span span = index.storage(name);
        source.persist();
        return span;
    }
}
