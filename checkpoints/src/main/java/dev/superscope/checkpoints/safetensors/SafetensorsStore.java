package dev.superscope.checkpoints.safetensors;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.IndexedTensorStore;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tensors of one {@code .safetensors} file.
 *
 * <p>{@link #open} reads and validates the header (see {@link SafetensorsHeader}) and keeps the file
 * channel open; nothing is mapped until a caller reads rows of a {@link #matrix}, and then only the
 * block asked for, so tensors larger than 2 GiB are fine.
 */
public final class SafetensorsStore extends IndexedTensorStore {
    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private volatile boolean closed;

    private SafetensorsStore(Path file, FileChannel channel, SafetensorsHeader header) {
        super(header.entries().stream().map(e -> e.toTensorInfo(file.toString())).toList());
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    /**
     * Opens and fully validates one {@code .safetensors} file.
     *
     * @throws BadInputException (one line naming the file) when it is missing, unreadable or malformed
     */
    public static SafetensorsStore open(Path file) {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file, "is a directory, not a .safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot open: " + SafetensorsHeader.describe(e), e);
        }
        try {
            return new SafetensorsStore(file, channel, SafetensorsHeader.read(channel, file));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BadInputException(file, "cannot read: " + SafetensorsHeader.describe(e), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The validated header. */
    public SafetensorsHeader header() {
        return header;
    }

    /** The {@code __metadata__} map (empty when the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** N: the JSON header's length in bytes. */
    public long headerLength() {
        return header.headerLength();
    }

    /** The file this store reads. */
    public Path file() {
        return file;
    }

    /**
     * A row-block view of the 2-D tensor {@code name}: each block is mapped from the file when read.
     *
     * @throws BadInputException when the tensor is absent, not 2-D, or of a dtype that cannot be decoded
     */
    @Override
    public Matrix matrix(String name) {
        SafetensorsHeader.Entry e = openEntry(name);
        String tensor = "tensor " + SafetensorsHeader.quote(name);
        long[] shape = e.shape();
        if (shape.length != 2) {
            throw new BadInputException(file, tensor + " has shape " + Arrays.toString(shape)
                    + "; a matrix needs exactly 2 dimensions");
        }
        if (!e.dtype().isDecodable()) {
            throw new BadInputException(file, tensor + " has dtype " + e.dtype()
                    + ", which cannot be read as a matrix; supported dtypes: " + Arrays.stream(DType.values())
                    .filter(DType::isDecodable).map(Enum::name).collect(Collectors.joining(", ")));
        }
        if (shape[1] > Integer.MAX_VALUE) {
            throw new BadInputException(file, tensor + " has " + shape[1] + " columns; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        return Matrices.mapped(name, e.dtype(), shape[0], (int) shape[1], channel, file,
                header.absoluteOffset(e));
    }

    /**
     * Any tensor as rows: 1-D as 1 x n, N-D as {@code shape[0]} x (product of the rest), mapped block by
     * block like {@link #matrix}.
     *
     * @throws BadInputException when the tensor is absent, a scalar, too wide, or of a dtype that cannot
     *                           be decoded
     */
    @Override
    public Matrix view(String name) {
        SafetensorsHeader.Entry e = openEntry(name);
        String tensor = "tensor " + SafetensorsHeader.quote(name);
        long[] shape = e.shape();
        if (shape.length == 2) {
            return matrix(name);
        }
        if (shape.length == 0) {
            throw new BadInputException(file, tensor + " is a scalar; it cannot be viewed as rows");
        }
        if (!e.dtype().isDecodable()) {
            throw new BadInputException(file, tensor + " has dtype " + e.dtype() + ", which cannot be read as rows");
        }
        TensorInfo info = e.toTensorInfo(file.toString());
        long rows = info.viewRows();
        long cols = info.viewCols();
        if (cols < 0 || cols > Integer.MAX_VALUE) {
            throw new BadInputException(file, tensor + " has shape " + Arrays.toString(shape)
                    + "; a row of more than " + Integer.MAX_VALUE + " elements cannot be viewed");
        }
        return Matrices.mapped(name, e.dtype(), rows, (int) cols, channel, file, header.absoluteOffset(e));
    }

    /**
     * The raw little-endian bytes of any tensor (any rank or dtype), mapped read-only from the file, for
     * the small tensors a forward pass needs (biases, norms). Use {@link #matrix} for row blocks.
     *
     * @throws BadInputException when the tensor is absent or larger than one mapping (2 GiB)
     */
    public ByteBuffer bytes(String name) {
        SafetensorsHeader.Entry e = openEntry(name);
        if (e.byteLength() > Integer.MAX_VALUE - 8) {
            throw new BadInputException(file, "tensor " + SafetensorsHeader.quote(name) + " holds "
                    + e.byteLength() + " bytes, too many to map at once; read it as a matrix in row blocks");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, header.absoluteOffset(e), e.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new BadInputException(file, "cannot map tensor " + SafetensorsHeader.quote(name) + ": "
                    + SafetensorsHeader.describe(ex), ex);
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }

    /** Closes the file; matrices handed out before can no longer be read. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "SafetensorsStore[" + file + ", " + tensors().size() + " tensors]";
    }

    /** The header's entry for {@code name}, while the file is open. */
    private SafetensorsHeader.Entry openEntry(String name) {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        return header.entry(name).orElseThrow(() -> new BadInputException(file, TensorNames.absent(name, this)));
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a read-only channel loses nothing; there is no one to tell.
        }
    }
}
