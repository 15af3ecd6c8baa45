package dev.superscope.checkpoints.torch;

import dev.superscope.checkpoints.torch.PickleValues.StorageRef;
import dev.superscope.checkpoints.torch.PickleValues.TensorRef;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a {@code torch.save} zip holds, read from any {@link RangeSource} without executing pickle code:
 * the signature, the zip directory, {@code <archive>/data.pkl} (decoded by the restricted unpickler),
 * the byteorder record, and each tensor's layout, checked to fit inside its stored storage entry.
 *
 * <p>This is the whole of {@link TorchZipStore}'s validation, shared with readers of remote files: the
 * bytes read are the first few (signature), the end of the file (end record, ZIP64 records, central
 * directory), and the local headers and data of {@code data.pkl} and {@code byteorder}. A storage
 * entry's local header is read (and checked) by {@link #storage}, so a remote reader fetches it only
 * for the tensors it reads; a local file has them all checked at once.
 */
public final class TorchZipIndex {
    /** Largest {@code data.pkl} read; real state dicts need well under a megabyte. */
    static final long MAX_PICKLE_BYTES = 64L << 20;

    private static final Pattern DATA_PKL = Pattern.compile("[^/]+/data\\.pkl");
    private static final byte[] ZIP_MAGIC = {'P', 'K'};
    /** A legacy file begins with the pickle of torch's magic number 0x1950a86a20f9469cfc6c (PROTO 2, LONG1 10). */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private final Path file;
    private final ZipArchive zip;
    private final Map<String, Tensor> tensors;
    private final List<TensorInfo> infos;

    /** A tensor's description, its layout, its storage entry, and the bytes of storage it reaches. */
    private record Tensor(TensorInfo info, TensorLayout layout, ZipArchive.Entry entry, long reachedBytes) {
    }

    /**
     * Where one tensor's bytes lie in the file.
     *
     * @param storageStart first byte of its storage entry's data
     * @param storageEnd   the byte after the storage entry's data
     * @param tensorStart  the byte of its first element ({@code storageStart + storageOffset * itemsize})
     * @param tensorEnd    the byte after the farthest element it views ({@code tensorStart} when empty);
     *                     for a contiguous tensor, {@code tensorEnd - tensorStart} is its byte length
     */
    public record Span(long storageStart, long storageEnd, long tensorStart, long tensorEnd) {
    }

    private TorchZipIndex(Path file, ZipArchive zip, Map<String, Tensor> tensors) {
        this.file = file;
        this.zip = zip;
        this.tensors = tensors;
        this.infos = tensors.values().stream().map(Tensor::info).toList();
    }

    /**
     * Reads and checks the index of the torch.save zip whose bytes {@code source} gives; storage
     * entries' local headers are read later, by {@link #storage}.
     *
     * @param file the name used in messages and {@link TensorInfo#source()}
     * @throws BadInputException (one line naming {@code file}) for anything that is not a well-formed,
     *                           safe torch.save zip checkpoint
     */
    public static TorchZipIndex read(RangeSource source, Path file) {
        return read(source, file, false);
    }

    static TorchZipIndex read(RangeSource source, Path file, boolean eagerLocalHeaders) {
        checkSignature(file, source);
        ZipArchive zip = ZipArchive.read(source, file, eagerLocalHeaders);
        ZipArchive.Entry pickle = findDataPkl(file, zip);
        String prefix = pickle.name().substring(0, pickle.name().length() - "data.pkl".length());
        checkByteOrder(file, zip, prefix);

        byte[] pickleBytes = zip.readSmall(pickle, MAX_PICKLE_BYTES);
        PickleBudget budget = PickleBudget.forPickle(file, pickleBytes.length);
        Object root = RestrictedUnpickler.unpickle(pickleBytes, file, pickle.name(), budget);
        Map<String, TensorRef> refs = StateDictFlattener.flatten(root, file, budget);

        Map<String, Tensor> out = new TreeMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            out.put(e.getKey(), resolve(file, zip, prefix, e.getKey(), e.getValue()));
        }
        return new TorchZipIndex(file, zip, out);
    }

    /** The file's name as given to {@link #read}. */
    public Path file() {
        return file;
    }

    /** Every tensor, by name. */
    public List<TensorInfo> tensors() {
        return infos;
    }

    /** The tensor called {@code name}, if present. */
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
     * Where the bytes of tensor {@code name} lie, reading and checking its storage entry's local header
     * the first time (signature, entry name, data inside the data area).
     *
     * @throws BadInputException when it is absent or the local header is damaged
     */
    public Span storage(String name) {
        Tensor t = require(name);
        long start = zip.dataOffset(t.entry());
        long tensorStart = start + t.layout().storageOffset() * t.layout().dtype().byteSize();
        return new Span(start, start + t.entry().size(), tensorStart,
                t.reachedBytes() == 0 ? tensorStart : start + t.reachedBytes());
    }

    /**
     * Refuses, before any tensor byte is read, a tensor that cannot be viewed as a matrix: absent, not
     * 2-D, of a dtype that cannot be analysed, with more columns than a row can hold, or a view whose
     * elements overlap (a stride-0 row repeated, so that the work of reading it would not be bounded by
     * the bytes in the file).
     */
    public TensorLayout requireMatrix(String name) {
        TensorLayout l = require(name).layout();
        long[] shape = l.shape();
        if (shape.length != 2) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " is " + shape.length + "-D "
                    + Arrays.toString(shape) + ", not a matrix");
        }
        if (!l.dtype().isDecodable()) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " has dtype " + l.dtype()
                    + ", which cannot be analysed (only F32, F16, BF16 and F64 can)");
        }
        if (shape[1] > Integer.MAX_VALUE) {
            throw new BadInputException(file, "tensor " + Text.clean(name) + " has " + shape[1]
                    + " columns, more than a matrix row can hold");
        }
        if (!l.isNonOverlapping()) {
            // Analysing what the view shows would cost rows x columns however few bytes are stored.
            throw new BadInputException(file, "tensor " + Text.clean(name) + " is a view whose rows overlap in"
                    + " its storage (shape " + Arrays.toString(shape) + ", stride " + Arrays.toString(l.stride())
                    + "; an expanded tensor saved as is): only tensors whose every element is stored once are"
                    + " analysed; save it with .contiguous() or .clone()");
        }
        return l;
    }

    /**
     * A row-block view of a 2-D tensor laid out as {@code layout} over bytes of {@code channel}: mapped
     * as is when row-major, otherwise gathered block by block.
     *
     * @param file        the file open on {@code channel}, for messages
     * @param tensorStart where the tensor's first element lies in that file
     * @param storageEnd  the byte after the storage's last byte there (nothing past it is read)
     */
    public static Matrix matrix(TensorLayout layout, FileChannel channel, Path file, long tensorStart,
                                long storageEnd) {
        long[] shape = layout.shape();
        int cols = (int) shape[1];
        if (layout.isContiguous()) {
            return Matrices.mapped(layout.name(), layout.dtype(), shape[0], cols, channel, file, tensorStart);
        }
        long[] stride = layout.stride();
        return new StridedMatrix(layout.name(), layout.dtype(), shape[0], cols, channel, file, tensorStart,
                stride[0], stride[1], storageEnd);
    }

    private Tensor require(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw noTensorNamed(name);
        }
        return t;
    }

    /** The refusal for a tensor this checkpoint does not hold, shared with the stores built on this index. */
    BadInputException noTensorNamed(String name) {
        return new BadInputException(file, dev.superscope.plugins.TensorNames.absent(name, tensors.keySet()));
    }

    /** Tells the formats a user may hand us apart before parsing any of them. */
    private static void checkSignature(Path file, RangeSource source) {
        long size = source.size();
        byte[] head = source.read(0, (int) Math.min(size, LEGACY_MAGIC.length));
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
            throw new BadInputException(file, label + " (" + t.dtype() + Arrays.toString(shape) + ", stride "
                    + Arrays.toString(stride) + ", storage offset " + t.offset() + ") needs " + needed
                    + " bytes of storage " + Text.clean(storage.key()) + ", which holds only " + entry.size());
        }
        TensorInfo info = new TensorInfo(name, t.dtype(), shape, file.toString());
        TensorLayout layout = new TensorLayout(name, t.dtype(), shape, stride, t.offset(), storage.key());
        return new Tensor(info, layout, entry, needed);
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
}
