package dev.superscope.loaders.torch;

import dev.superscope.loaders.torch.PickleValues.StorageRef;
import dev.superscope.loaders.torch.PickleValues.TensorRef;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.RowDecoder;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

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
public final class TorchZipStore implements TensorStore {

    /** Largest {@code data.pkl} read; real state dicts need well under a megabyte. */
    public static final long MAX_PICKLE_BYTES = 64L << 20;
    /** Most elements {@link #values} reads (it is for small tensors and tests). */
    public static final long MAX_VALUE_ELEMENTS = 1L << 22;

    private static final Pattern DATA_PKL = Pattern.compile("[^/]+/data\\.pkl");
    private static final byte[] ZIP_MAGIC = {'P', 'K'};
    /** A legacy file begins with the pickle of torch's magic number 0x1950a86a20f9469cfc6c (PROTO 2, LONG1 10). */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Tensor> tensors;
    private final List<TensorInfo> infos;

    /** A tensor's public description, its layout, and where its storage's bytes lie in the file. */
    private record Tensor(TensorInfo info, TensorLayout layout, long storageStart, long storageEnd) {
    }

    private TorchZipStore(Path file, FileChannel channel, Map<String, Tensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.infos = tensors.values().stream().map(Tensor::info).toList();
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
            return new TorchZipStore(file, channel, readTensors(file, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Map<String, Tensor> readTensors(Path file, FileChannel channel) {
        checkSignature(file, channel);
        ZipArchive zip = ZipArchive.read(channel, file);
        ZipArchive.Entry pickle = findDataPkl(file, zip);
        String prefix = pickle.name().substring(0, pickle.name().length() - "data.pkl".length());
        checkByteOrder(file, zip, prefix);

        Object root = RestrictedUnpickler.unpickle(zip.readSmall(pickle, MAX_PICKLE_BYTES), file, pickle.name());
        Map<String, TensorRef> refs = StateDictFlattener.flatten(root, file);

        Map<String, Tensor> out = new TreeMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            out.put(e.getKey(), resolve(file, zip, prefix, e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Tells the formats a user may hand us apart before parsing any of them. */
    private static void checkSignature(Path file, FileChannel channel) {
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + e.getMessage(), e);
        }
        byte[] head = ZipArchive.read(channel, file, 0, (int) Math.min(size, LEGACY_MAGIC.length));
        if (startsWith(head, ZIP_MAGIC)) {
            return;
        }
        if (startsWith(head, LEGACY_MAGIC)) {
            throw new BadInputException(file, "this is the legacy PyTorch serialization (PyTorch < 1.6, "
                    + "not a zip), which Superscope does not read; convert it: in Python, "
                    + "torch.save(torch.load(path), new_path) writes the zip format, or save it with "
                    + "safetensors.torch.save_file");
        }
        if (head.length > 0 && (head[0] & 0xFF) == 0x80) {
            throw new BadInputException(file, "not a PyTorch zip checkpoint: a bare pickle (torch.save has "
                    + "written zip archives since PyTorch 1.6; re-save it with torch.save or safetensors)");
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(head.length, 4); i++) {
            hex.append(String.format(" %02x", head[i] & 0xFF));
        }
        throw new BadInputException(file, "not a PyTorch zip checkpoint ("
                + (head.length == 0 ? "empty file" : "starts with" + hex) + ")");
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static ZipArchive.Entry findDataPkl(Path file, ZipArchive zip) {
        List<ZipArchive.Entry> found = new ArrayList<>();
        boolean torchScript = false;
        for (ZipArchive.Entry e : zip.entries()) {
            if (DATA_PKL.matcher(e.name()).matches()) {
                found.add(e);
            }
            torchScript |= e.name().endsWith("/constants.pkl") || e.name().contains("/code/");
        }
        if (torchScript) {
            throw new BadInputException(file, "a TorchScript archive (torch.jit.save), not a torch.save "
                    + "checkpoint; save the model's state_dict() with torch.save instead");
        }
        if (found.isEmpty()) {
            throw new BadInputException(file, "a zip without <archive>/data.pkl, so not a torch.save checkpoint");
        }
        if (found.size() > 1) {
            throw new BadInputException(file, "several data.pkl entries (" + Text.clean(found.get(0).name())
                    + ", " + Text.clean(found.get(1).name()) + "); a torch.save archive has one");
        }
        return found.get(0);
    }

    private static void checkByteOrder(Path file, ZipArchive zip, String prefix) {
        ZipArchive.Entry e = zip.entry(prefix + "byteorder");
        if (e == null) {
            return; // written before PyTorch recorded it, always little-endian
        }
        String order = new String(zip.readSmall(e, 64), StandardCharsets.ISO_8859_1).trim();
        if (!order.equals("little")) {
            throw new BadInputException(file, "storages are stored with byteorder \"" + Text.clean(order)
                    + "\"; only little-endian checkpoints are supported (re-save it on a little-endian machine)");
        }
    }

    /** Finds a tensor's storage entry and checks that everything the tensor views lies inside it. */
    private static Tensor resolve(Path file, ZipArchive zip, String prefix, String name, TensorRef t) {
        StorageRef storage = t.storage();
        String label = "tensor " + Text.clean(name);
        ZipArchive.Entry entry = zip.entry(prefix + "data/" + storage.key());
        if (entry == null) {
            throw new BadInputException(file, label + " refers to storage " + Text.clean(storage.key())
                    + ", which is not in the archive (no entry " + Text.clean(prefix + "data/" + storage.key()) + ")");
        }
        if (!entry.stored()) {
            throw new BadInputException(file, "storage entry " + Text.clean(entry.name()) + " is compressed (method "
                    + entry.method() + "); torch.save never compresses storages, so it cannot be mapped; refused");
        }
        long declared = storage.dtype().bytesFor(storage.numel());
        if (declared < 0 || declared > entry.size()) {
            throw new BadInputException(file, "storage " + Text.clean(storage.key()) + " holds " + entry.size()
                    + " bytes, less than the " + storage.numel() + " " + storage.dtype() + " elements its record declares");
        }
        long[] shape = t.shape();
        long[] stride = t.stride();
        int size = t.dtype().byteSize();
        long needed;
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d); // a broadcast view can be huge over one element
            }
            needed = Math.multiplyExact(elementsReached(t.offset(), shape, stride), (long) size);
        } catch (ArithmeticException overflow) {
            throw new BadInputException(file, label + " has sizes, strides and offset that overflow");
        }
        if (needed > entry.size()) {
            throw new BadInputException(file, label + " (" + t.dtype() + java.util.Arrays.toString(shape) + ", stride "
                    + java.util.Arrays.toString(stride) + ", storage offset " + t.offset() + ") needs " + needed
                    + " bytes of storage " + Text.clean(storage.key()) + ", which holds only " + entry.size());
        }
        TensorInfo info = new TensorInfo(name, t.dtype(), shape, file.toString());
        TensorLayout layout = new TensorLayout(name, t.dtype(), shape, stride, t.offset(), storage.key());
        return new Tensor(info, layout, entry.dataOffset(), entry.dataOffset() + entry.size());
    }

    /** Elements of storage from its start to the tensor's farthest element, inclusive (0 when empty). */
    private static long elementsReached(long offset, long[] shape, long[] stride) {
        long last = offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                return 0;
            }
            last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
        }
        return Math.addExact(last, 1);
    }

    @Override
    public List<TensorInfo> tensors() {
        return infos;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        Tensor t = tensors.get(name);
        return t == null ? Optional.empty() : Optional.of(t.info());
    }

    /** How the tensor {@code name} lies in its storage (strides, offset, storage key). */
    public Optional<TensorLayout> layout(String name) {
        Tensor t = tensors.get(name);
        return t == null ? Optional.empty() : Optional.of(t.layout());
    }

    /**
     * A row-block view of the 2-D tensor {@code name}: the mapped file bytes when it is row-major,
     * otherwise a view that gathers each requested block from the strided storage.
     *
     * @throws BadInputException when it is absent, not 2-D, or of a dtype that cannot be analysed
     */
    @Override
    public Matrix matrix(String name) {
        Tensor t = require(name);
        TensorLayout l = t.layout();
        long[] shape = l.shape();
        if (shape.length != 2) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " is " + shape.length + "-D "
                    + java.util.Arrays.toString(shape) + ", not a matrix");
        }
        if (!l.dtype().isDecodable()) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " has dtype " + l.dtype()
                    + ", which cannot be analysed (only F32, F16, BF16 and F64 can)");
        }
        if (shape[1] > Integer.MAX_VALUE) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " has " + shape[1]
                    + " columns, more than a matrix row can hold");
        }
        int cols = (int) shape[1];
        int size = l.dtype().byteSize();
        long base = t.storageStart() + l.storageOffset() * size;
        if (l.isContiguous()) {
            return Matrices.mapped(name, l.dtype(), shape[0], cols, channel, file, base);
        }
        long[] stride = l.stride();
        return new StridedMatrix(name, l.dtype(), shape[0], cols, channel, file, base, stride[0], stride[1],
                t.storageEnd());
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
        long base = t.storageStart() + l.storageOffset() * size;
        StorageWindow window = new StorageWindow(channel, file, t.storageEnd());
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
            throw new BadInputException(file, "no tensor named " + Text.clean(name) + " (it has " + tensors.size()
                    + " tensors)");
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
