package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.IndexedTensorStore;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.RowDecoder;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tensors of one {@code torch.save} zip checkpoint ({@code pytorch_model.bin}, {@code .pt},
 * {@code .pth}), read without executing pickle code.
 *
 * <p>Opening reads the zip directory, decodes {@code <archive>/data.pkl} with a restricted symbolic
 * unpickler (only the globals a state dict needs; everything else is refused by name), flattens nested
 * dicts into dotted names, and checks that every tensor's strided extent fits inside its storage entry.
 * Storages are never read at open: {@link #matrix} maps a row-major tensor's bytes directly and gathers
 * a strided one block by block. Files in the legacy pre-1.6 format, bare pickles and anything else are
 * refused with a one-line reason.
 */
public final class TorchZipStore extends IndexedTensorStore {

    /** Largest {@code data.pkl} read; real state dicts need well under a megabyte. */
    public static final long MAX_PICKLE_BYTES = TorchZipIndex.MAX_PICKLE_BYTES;
    /** Most elements {@link #values} reads (it is for small tensors and tests). */
    public static final long MAX_VALUE_ELEMENTS = 1L << 22;

    private final Path file;
    private final FileChannel channel;
    private final TorchZipIndex index;
    private final Map<String, Tensor> tensors;

    /** A tensor's public description, its layout, and where its storage's bytes lie in the file. */
    private record Tensor(TensorInfo info, TensorLayout layout, TorchZipIndex.Span span) {
    }

    private TorchZipStore(Path file, FileChannel channel, TorchZipIndex index) {
        super(index.tensors());
        this.file = file;
        this.channel = channel;
        this.index = index;
        Map<String, Tensor> map = new TreeMap<>();
        for (TensorInfo info : index.tensors()) {
            map.put(info.name(), new Tensor(info, index.layout(info.name()).orElseThrow(), index.storage(info.name())));
        }
        this.tensors = map;
    }

    /**
     * Opens one torch.save zip file without executing pickle code.
     *
     * @throws BadInputException (one line naming the file) for any file that is not a well-formed,
     *                           safe torch.save zip checkpoint
     */
    public static TensorStore open(Path file) {
        return load(file);
    }

    /** As {@link #open}, typed as this class for callers that want {@link #layout} or {@link #values}. */
    public static TorchZipStore load(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        } catch (IOException e) {
            throw new BadInputException(file, "cannot open: " + e.getMessage(), e);
        }
        try {
            // Every local header is checked at open: a local file has no reason to defer it.
            return new TorchZipStore(file, channel, TorchZipIndex.read(RangeSource.of(channel, file), file, true));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** How the tensor {@code name} lies in its storage (strides, offset, storage key). */
    public Optional<TensorLayout> layout(String name) {
        return index.layout(name);
    }

    /**
     * A row-block view of the 2-D tensor {@code name}: the mapped file bytes when it is row-major,
     * otherwise a view that gathers each requested block from the strided storage.
     *
     * @throws BadInputException when it is absent, not 2-D, or of a dtype that cannot be analysed
     */
    @Override
    public Matrix matrix(String name) {
        TensorLayout l = index.requireMatrix(name);
        TorchZipIndex.Span span = require(name).span();
        return TorchZipIndex.matrix(l, channel, file, span.tensorStart(), span.storageEnd());
    }

    /**
     * Any tensor as rows: a 2-D tensor as {@link #matrix} serves it; a 1-D tensor as 1 x n and an N-D
     * one as {@code shape[0]} x (product of the rest), gathered from its (possibly strided) storage by
     * {@link #values} into a float64 matrix, exact for every floating dtype.
     *
     * @throws BadInputException when it is absent, a scalar, larger than {@link #MAX_VALUE_ELEMENTS}
     *                           elements (when not 2-D), or of a dtype with no numeric reading
     */
    @Override
    public Matrix view(String name) {
        long[] shape = require(name).info().shape();
        if (shape.length == 2) {
            return matrix(name);
        }
        if (shape.length == 0) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " is a scalar; it cannot be viewed as rows");
        }
        double[] v = values(name);
        long rows = shape.length == 1 ? 1 : shape[0];
        int cols = rows == 0 ? 0 : (int) (v.length / rows);
        ByteBuffer data = ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        data.asDoubleBuffer().put(v);
        return dev.superscope.plugins.Matrices.ofBuffer(name, DType.F64, rows, cols, data);
    }

    /**
     * The elements of tensor {@code name} in logical row-major order (whatever its strides), widened to
     * double; booleans read as 0 and 1. For small tensors and tests.
     *
     * @throws BadInputException when it is absent, has more than {@link #MAX_VALUE_ELEMENTS} elements,
     *                           or its dtype has no numeric reading here (the 8-bit floats, complex)
     */
    public double[] values(String name) {
        Tensor t = require(name);
        TensorLayout l = t.layout();
        long count = l.elementCount();
        if (count > MAX_VALUE_ELEMENTS) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " has " + count
                    + " elements; values() reads at most " + MAX_VALUE_ELEMENTS);
        }
        DType dtype = l.dtype();
        checkReadable(name, dtype);
        long[] shape = l.shape();
        long[] stride = l.stride();
        int size = dtype.byteSize();
        long base = t.span().tensorStart();
        StorageWindow window = new StorageWindow(channel, file, t.span().storageEnd());
        double[] out = new double[(int) count];
        long[] index = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            long element = 0;
            for (int d = 0; d < shape.length; d++) {
                element += index[d] * stride[d];
            }
            int at = window.locate(base + element * size, size);
            out[i] = decode(window.buffer(), at, dtype);
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                index[d] = 0;
            }
        }
        return out;
    }

    private void checkReadable(String name, DType dtype) {
        switch (dtype) {
            case F32, F16, BF16, F64, I64, I32, I16, I8, U8, U16, U32, U64, BOOL -> {
            }
            default -> throw new BadInputException(file, "tensor " + Text.clean(name) + " has dtype " + dtype
                    + ", whose values cannot be read");
        }
    }

    private static double decode(ByteBuffer b, int at, DType dtype) {
        return switch (dtype) {
            case F32 -> b.getFloat(at);
            case F64 -> b.getDouble(at);
            case F16 -> RowDecoder.F16.halfToFloat(b.getShort(at));
            case BF16 -> Float.intBitsToFloat((b.getShort(at) & 0xFFFF) << 16);
            case I64 -> b.getLong(at);
            case I32 -> b.getInt(at);
            case I16 -> b.getShort(at);
            case I8 -> b.get(at);
            case U8 -> b.get(at) & 0xFF;
            case U16 -> b.getShort(at) & 0xFFFF;
            case U32 -> b.getInt(at) & 0xFFFFFFFFL;
            case U64 -> {
                long v = b.getLong(at);
                yield v >= 0 ? v : v + 0x1p64;
            }
            case BOOL -> b.get(at) != 0 ? 1 : 0;
            default -> throw new IllegalStateException("unchecked dtype " + dtype);
        };
    }

    private Tensor require(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw index.noTensorNamed(name);
        }
        return t;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written; a failed close of a read-only channel loses nothing
        }
    }
}
