package dev.superscope.checkpoints.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes {@code .safetensors} files laid out byte for byte as the Python {@code safetensors} library
 * (0.4+) lays them out, and the {@code model.safetensors.index.json} of a sharded checkpoint.
 *
 * <p>Layout: tensors are ordered by descending dtype alignment and then by name (byte-wise UTF-8), as
 * the library's {@code prepare} step orders them; the header is compact JSON with {@code __metadata__}
 * first (only when some metadata was given, in the order given), then one
 * {@code {"dtype","shape","data_offsets"}} entry per tensor in layout order, padded with spaces to a
 * multiple of 8 bytes. Files written by the library from the same tensors and metadata are therefore
 * reproduced exactly (the tests check this against real fixture files).
 *
 * <p>Tensor bytes come either from a {@link ByteBuffer} or from a {@link RowFiller} that is asked for
 * one bounded block of rows at a time, so a multi-gigabyte file never sits in memory. The file is
 * written under a temporary name in the target's directory and renamed into place.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("format", "pt")
 *     .floats("wte.weight", DType.F32, new long[] {vocab, width}, values)
 *     .write(dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
    /** Upper bound on the bytes of one block a {@link RowFiller} is asked to fill. */
    static final int BLOCK_BYTES = 4 << 20;

    /**
     * The order of the reference library's dtype enum, which is its alignment order: the writer puts
     * the last of these first.
     */
    private static final List<DType> ALIGNMENT_ORDER = List.of(
            DType.BOOL, DType.F4, DType.F6_E2M3, DType.F6_E3M2, DType.U8, DType.I8, DType.F8_E5M2,
            DType.F8_E4M3, DType.F8_E8M0, DType.I16, DType.U16, DType.F16, DType.BF16, DType.I32, DType.U32,
            DType.F32, DType.C64, DType.F64, DType.I64, DType.U64);

    /**
     * Produces a tensor's bytes one block of rows (slices along the first dimension) at a time.
     */
    @FunctionalInterface
    public interface RowFiller {
        /**
         * Puts rows {@code firstRow .. firstRow+rowCount-1} into {@code block} as little-endian,
         * row-major elements with relative puts, filling it from position 0 up to its limit (exactly
         * {@code rowCount} rows of bytes). The buffer is reused for the next block.
         */
        void fill(long firstRow, int rowCount, ByteBuffer block);
    }

    private record Pending(String name, DType dtype, long[] shape, long byteLength, ByteBuffer data,
                           RowFiller rows) {
    }

    /** A tensor's place in the written file. */
    record Placed(Pending tensor, long begin, long end) {
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Pending> tensors = new LinkedHashMap<>();

    /** Adds one {@code __metadata__} entry (kept in the order added). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Adds every entry of {@code entries} to {@code __metadata__}. */
    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /**
     * Adds a tensor whose little-endian bytes are {@code data}'s remaining bytes (read when the file is
     * written; {@code data}'s position is not moved).
     *
     * @throws IllegalArgumentException when the byte count does not match shape and dtype, or the name is
     *                                  taken or reserved
     */
    public SafetensorsWriter tensor(String name, DType dtype, long[] shape, ByteBuffer data) {
        long bytes = checkedByteLength(name, dtype, shape);
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype + Arrays.toString(shape)
                    + " needs " + bytes + " bytes but the buffer holds " + data.remaining());
        }
        return add(new Pending(name, dtype, shape.clone(), bytes, data.duplicate(), null));
    }

    /**
     * Adds a tensor whose bytes {@code rows} produces block by block when the file is written. A row is
     * a slice along the first dimension (a scalar is one row).
     *
     * @throws IllegalArgumentException when a row is not a whole number of bytes, or the name is taken
     */
    public SafetensorsWriter tensor(String name, DType dtype, long[] shape, RowFiller rows) {
        long bytes = checkedByteLength(name, dtype, shape);
        if (rowBytes(dtype, shape) < 0) {
            throw new IllegalArgumentException("tensor " + name + ": one row of " + dtype
                    + Arrays.toString(shape) + " is not a whole number of bytes; pass a ByteBuffer instead");
        }
        return add(new Pending(name, dtype, shape.clone(), bytes, null, Objects.requireNonNull(rows, "rows")));
    }

    /**
     * Adds a tensor of {@code values} (row-major) encoded as {@code dtype}: F32, F64, or F16/BF16 rounded
     * to nearest, ties to even.
     */
    public SafetensorsWriter floats(String name, DType dtype, long[] shape, float[] values) {
        return tensor(name, dtype, shape, encode(dtype, values));
    }

    /**
     * Writes the file to {@code target} (atomically replacing any file there).
     *
     * @return the size of the written file in bytes
     * @throws IllegalStateException when a {@link RowFiller} does not fill its block
     */
    public long write(Path target) throws IOException {
        List<Placed> layout = layout();
        byte[] header = headerBytes(layout);
        long dataBytes = layout.isEmpty() ? 0 : layout.get(layout.size() - 1).end();
        long total = SafetensorsHeader.PREFIX_BYTES + header.length + dataBytes;
        AtomicFiles.writeChannel(target, out -> {
            ByteBuffer prefix = ByteBuffer.allocate(SafetensorsHeader.PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).flip();
            AtomicFiles.writeFully(out, prefix);
            AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
            for (Placed p : layout) {
                writeData(p.tensor(), out);
            }
            if (out.position() != total) {
                throw new IllegalStateException("wrote " + out.position() + " bytes, expected " + total);
            }
        });
        return total;
    }

    /**
     * Writes a sharded checkpoint's index the way transformers' {@code save_pretrained} does:
     * {@code {"metadata": {"total_size": N}, "weight_map": {tensor: shard file}}}, keys sorted, indented
     * by two spaces, ASCII-only, with a final newline.
     *
     * @param totalSize bytes of tensor data over all shards
     * @param weightMap tensor name to shard file name
     */
    public static void writeIndex(Path indexFile, long totalSize, Map<String, String> weightMap) throws IOException {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"metadata\": {\n    \"total_size\": ").append(totalSize).append("\n  },\n");
        json.append("  \"weight_map\": {");
        List<String> names = new ArrayList<>(weightMap.keySet());
        names.sort(SafetensorsWriter::compareCodePoints);
        for (int i = 0; i < names.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n").append("    ").append(pythonJsonString(names.get(i)))
                    .append(": ").append(pythonJsonString(weightMap.get(names.get(i))));
        }
        json.append(names.isEmpty() ? "}\n}\n" : "\n  }\n}\n");
        byte[] bytes = json.toString().getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(indexFile, bytes);
    }

    /**
     * {@code values} encoded as little-endian {@code dtype} elements in a new buffer (position 0):
     * F32, F64, and F16/BF16 rounded to nearest, ties to even.
     */
    public static ByteBuffer encode(DType dtype, float[] values) {
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F32 -> out.putFloat(v);
                case F64 -> out.putDouble(v);
                case F16 -> out.putShort(HalfFloats.toHalf(v));
                case BF16 -> out.putShort(HalfFloats.toBFloat16(v));
                default -> throw new IllegalArgumentException("cannot encode floats as " + dtype);
            }
        }
        return out.flip();
    }

    // ---------------------------------------------------------------------------------------------

    /** The tensors in file order with their data offsets. */
    List<Placed> layout() {
        List<Pending> order = new ArrayList<>(tensors.values());
        order.sort(Comparator.comparingInt((Pending p) -> -ALIGNMENT_ORDER.indexOf(p.dtype()))
                .thenComparing(Pending::name, SafetensorsWriter::compareUtf8));
        List<Placed> placed = new ArrayList<>(order.size());
        long offset = 0;
        for (Pending p : order) {
            long end = Math.addExact(offset, p.byteLength());
            placed.add(new Placed(p, offset, end));
            offset = end;
        }
        return placed;
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes. */
    byte[] headerBytes(List<Placed> layout) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(bytes)) {
            json.writeStartObject();
            if (!metadata.isEmpty()) {
                json.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    json.writeStringField(e.getKey(), e.getValue());
                }
                json.writeEndObject();
            }
            for (Placed p : layout) {
                writeEntry(json, p.tensor().name(), p.tensor().dtype(), p.tensor().shape(), p.begin(), p.end());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        int pad = (8 - bytes.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            bytes.write(' ');
        }
        if (bytes.size() > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new IllegalStateException("header of " + bytes.size() + " bytes exceeds the format's limit");
        }
        return bytes.toByteArray();
    }

    /**
     * Writes one tensor's header entry, {@code "name": {"dtype": ..., "shape": [...], "data_offsets": [begin,
     * end]}}, as every safetensors header written here holds it: whole files, and the one-tensor files the
     * hub's tensor cache keeps.
     */
    public static void writeEntry(JsonGenerator json, String name, DType dtype, long[] shape, long begin, long end)
            throws IOException {
        json.writeObjectFieldStart(name);
        json.writeStringField("dtype", dtype.name());
        json.writeArrayFieldStart("shape");
        for (long d : shape) {
            json.writeNumber(d);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("data_offsets");
        json.writeNumber(begin);
        json.writeNumber(end);
        json.writeEndArray();
        json.writeEndObject();
    }

    private SafetensorsWriter add(Pending p) {
        if (tensors.putIfAbsent(p.name(), p) != null) {
            throw new IllegalArgumentException("tensor " + p.name() + " added twice");
        }
        return this;
    }

    private static long checkedByteLength(String name, DType dtype, long[] shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException(SafetensorsHeader.METADATA_KEY + " is reserved, not a tensor name");
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in "
                        + Arrays.toString(shape));
            }
            elements = Math.multiplyExact(elements, d);
        }
        long bytes = dtype.bytesFor(elements);
        if (bytes < 0) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype + Arrays.toString(shape)
                    + " is not a whole number of bytes");
        }
        return bytes;
    }

    /** Bytes of one slice along the first dimension, or -1 when not whole. */
    private static long rowBytes(DType dtype, long[] shape) {
        long perRow = 1;
        for (int i = 1; i < shape.length; i++) {
            perRow = Math.multiplyExact(perRow, shape[i]);
        }
        return dtype.bytesFor(perRow);
    }

    private static void writeData(Pending p, FileChannel out) throws IOException {
        if (p.data() != null) {
            AtomicFiles.writeFully(out, p.data().duplicate());
            return;
        }
        long rows = p.shape().length == 0 ? 1 : p.shape()[0];
        long rowBytes = rowBytes(p.dtype(), p.shape());
        if (rows == 0 || rowBytes == 0) {
            return;
        }
        if (rowBytes > BLOCK_BYTES && rowBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + p.name() + ": one row of " + rowBytes
                    + " bytes is too large to stream");
        }
        int blockRows = (int) Math.max(1, Math.min(rows, BLOCK_BYTES / rowBytes));
        ByteBuffer block = ByteBuffer.allocate((int) (blockRows * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (long first = 0; first < rows; first += blockRows) {
            int count = (int) Math.min(blockRows, rows - first);
            block.clear().limit((int) (count * rowBytes));
            p.rows().fill(first, count, block);
            if (block.hasRemaining()) {
                throw new IllegalStateException("tensor " + p.name() + ": the row filler left "
                        + block.remaining() + " of " + block.limit() + " bytes of rows " + first + ".."
                        + (first + count - 1) + " unwritten");
            }
            AtomicFiles.writeFully(out, block.flip());
        }
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** A string literal as Python's {@code json.dumps} writes it with its default {@code ensure_ascii}. */
    static String pythonJsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
