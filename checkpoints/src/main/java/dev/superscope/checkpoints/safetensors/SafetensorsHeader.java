package dev.superscope.checkpoints.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.TensorInfo;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A parsed and fully validated safetensors header: the tensors' dtypes, shapes and byte ranges, and the
 * {@code __metadata__} map.
 *
 * <p>Every rule of the format is checked here, once, before anyone reads a byte of tensor data, and
 * each broken rule has its own one-line {@link BadInputException} naming the file and, where there is
 * one, the tensor. The rules follow the reference Rust crate, stricter in two places: duplicate JSON
 * keys and unknown fields in a tensor entry are errors here (the crate silently keeps the last key and
 * ignores extra fields, which lets two readers disagree about what a file holds).
 *
 * <p>{@link #parse} works on the header bytes alone plus the length of the data section, so a client
 * that fetched only the first {@code 8 + N} bytes of a remote file (and knows its total size) can
 * validate it without the data.
 */
public final class SafetensorsHeader {
    /** Bytes of the little-endian u64 that precedes the JSON header. */
    public static final int PREFIX_BYTES = 8;
    /** Largest header the format allows (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The reserved key for the free-form string map. */
    public static final String METADATA_KEY = "__metadata__";

    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final int MAX_QUOTED = 120;

    /**
     * One tensor as the header describes it.
     *
     * @param name  the tensor's name
     * @param dtype element type
     * @param shape dimensions, outermost first (empty for a scalar)
     * @param begin first byte, relative to the start of the data section
     * @param end   one past the last byte, relative to the start of the data section
     */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Bytes the tensor occupies. */
        public long byteLength() {
            return end - begin;
        }

        /** The same tensor as the plugin API describes it, attributed to {@code source}. */
        public TensorInfo toTensorInfo(String source) {
            return new TensorInfo(name, dtype, shape, source);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype
                    && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin);
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    private final Path file;
    private final long headerLength;
    private final long dataLength;
    private final Map<String, String> metadata;
    private final Map<String, Entry> entries;

    private SafetensorsHeader(Path file, long headerLength, long dataLength, Map<String, String> metadata,
                              Map<String, Entry> entries) {
        this.file = file;
        this.headerLength = headerLength;
        this.dataLength = dataLength;
        this.metadata = metadata;
        this.entries = entries;
    }

    /** Reads and validates the header of {@code file} (the whole file is checked for size, not read). */
    public static SafetensorsHeader read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel, file);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + describe(e), e);
        }
    }

    /**
     * Reads and validates the header from an open channel over {@code file} (absolute reads; the
     * channel's position is not used).
     */
    public static SafetensorsHeader read(FileChannel channel, Path file) throws IOException {
        long fileSize = channel.size();
        byte[] prefix = new byte[(int) Math.min(PREFIX_BYTES, fileSize)];
        readFully(channel, ByteBuffer.wrap(prefix), 0, file);
        long n = headerLength(prefix, fileSize, file);
        byte[] json = new byte[(int) n];
        readFully(channel, ByteBuffer.wrap(json), PREFIX_BYTES, file);
        return parse(json, fileSize - PREFIX_BYTES - n, file);
    }

    /**
     * The header length N that the first bytes of a file declare, checked against the file's size.
     *
     * @param prefix   the file's first bytes (at least 8 unless the file is shorter)
     * @param fileSize the whole file's size in bytes
     * @throws BadInputException when the file is shorter than 8 bytes, N exceeds 100,000,000, or the
     *                           header runs past the end of the file
     */
    public static long headerLength(byte[] prefix, long fileSize, Path file) {
        if (fileSize < PREFIX_BYTES || prefix.length < PREFIX_BYTES) {
            throw new BadInputException(file, "file is " + Math.min(fileSize, prefix.length)
                    + " bytes long, shorter than the 8-byte header length prefix of a safetensors file");
        }
        long n = ByteBuffer.wrap(prefix, 0, PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new BadInputException(file, "header length " + Long.toUnsignedString(n)
                    + " exceeds the safetensors limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > fileSize - PREFIX_BYTES) {
            throw new BadInputException(file, "header length " + n + " runs past the end of the file ("
                    + fileSize + " bytes, so at most " + (fileSize - PREFIX_BYTES) + " header bytes)");
        }
        return n;
    }

    /**
     * Parses and validates a header.
     *
     * @param headerJson        the N header bytes (UTF-8 JSON, possibly padded with trailing spaces)
     * @param dataSectionLength bytes of the file after the header, which the tensors must cover exactly
     * @param file              the file, for messages
     * @throws BadInputException naming the file and the first broken rule
     */
    public static SafetensorsHeader parse(byte[] headerJson, long dataSectionLength, Path file) {
        if (dataSectionLength < 0) {
            throw new IllegalArgumentException("negative data section length " + dataSectionLength);
        }
        if (headerJson.length > MAX_HEADER_BYTES) {
            throw new BadInputException(file, "header length " + headerJson.length
                    + " exceeds the safetensors limit of " + MAX_HEADER_BYTES + " bytes");
        }
        String text = decodeUtf8(headerJson, file);
        JsonNode root = parseJson(text, file);
        if (!root.isObject()) {
            throw new BadInputException(file, "header is not a JSON object but " + kind(root));
        }
        Map<String, String> metadata = Map.of();
        List<Entry> parsed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue(), file);
            } else {
                parsed.add(parseEntry(field.getKey(), field.getValue(), file));
            }
        }
        for (Entry e : parsed) {
            checkByteLength(e, file);
        }
        checkLayout(parsed, dataSectionLength, file);
        Map<String, Entry> byName = new TreeMap<>();
        for (Entry e : parsed) {
            byName.put(e.name(), e);
        }
        return new SafetensorsHeader(file, headerJson.length, dataSectionLength, metadata,
                Collections.unmodifiableMap(byName));
    }

    /** The file this header came from. */
    public Path file() {
        return file;
    }

    /** N: the length in bytes of the JSON header (padding included). */
    public long headerLength() {
        return headerLength;
    }

    /** Absolute file offset of the data section: {@code 8 + N}. */
    public long dataStart() {
        return PREFIX_BYTES + headerLength;
    }

    /** Bytes of tensor data after the header. */
    public long dataLength() {
        return dataLength;
    }

    /** The size the whole file has: {@code 8 + N + data}. */
    public long fileLength() {
        return dataStart() + dataLength;
    }

    /** The {@code __metadata__} map in header order; empty when absent or null. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor, sorted by name. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The tensor called {@code name}, if present. */
    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Number of tensors. */
    public int size() {
        return entries.size();
    }

    /** Absolute file offset of the first byte of {@code entry}. */
    public long absoluteOffset(Entry entry) {
        return dataStart() + entry.begin();
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing steps, one rule each.

    private static String decodeUtf8(byte[] bytes, Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never needs more UTF-16 units than bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new BadInputException(file, "header is not valid UTF-8 (bad byte sequence at header byte "
                    + in.position() + ")");
        }
        return out.flip().toString();
    }

    private static JsonNode parseJson(String text, Path file) {
        JsonParser parser = null;
        try {
            parser = JSON.createParser(text);
            JsonNode root = MAPPER.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw new BadInputException(file, "header is not JSON: it is empty or blank");
            }
            if (parser.nextToken() != null) {
                throw new BadInputException(file, "header is not JSON: unexpected content after the top-level "
                        + kind(root) + " at " + where(parser.currentLocation()));
            }
            return root;
        } catch (JsonProcessingException e) {
            String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            String duplicate = original.startsWith("Duplicate field") ? currentName(parser) : null;
            if (duplicate != null) {
                throw new BadInputException(file, "header has duplicate key " + quote(duplicate)
                        + inside(parser.getParsingContext()), e);
            }
            throw new BadInputException(file, "header is not JSON: " + oneLine(original)
                    + " at " + where(e.getLocation()), e);
        } catch (IOException e) {
            throw new BadInputException(file, "header is not JSON: " + describe(e), e);
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // A parser over a String holds no resource worth reporting.
                }
            }
        }
    }

    private static Map<String, String> parseMetadata(JsonNode node, Path file) {
        if (node.isNull()) {
            return Map.of(); // Python writes None as null; the Rust crate reads it as absent.
        }
        if (!node.isObject()) {
            throw new BadInputException(file, METADATA_KEY + " must map strings to strings but is "
                    + kind(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw new BadInputException(file, METADATA_KEY + " must map strings to strings but key "
                        + quote(f.getKey()) + " holds " + kind(f.getValue()));
            }
            out.put(f.getKey(), f.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry parseEntry(String name, JsonNode node, Path file) {
        String tensor = "tensor " + quote(name);
        if (!node.isObject()) {
            throw new BadInputException(file, tensor + ": entry is " + kind(node)
                    + ", not an object with dtype, shape and data_offsets");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!ENTRY_FIELDS.contains(field)) {
                throw new BadInputException(file, tensor + ": unexpected field " + quote(field)
                        + " (an entry holds exactly dtype, shape and data_offsets)");
            }
        }
        for (String field : List.of("dtype", "shape", "data_offsets")) {
            if (!node.has(field)) {
                throw new BadInputException(file, tensor + ": missing field " + quote(field)
                        + " (an entry holds exactly dtype, shape and data_offsets)");
            }
        }
        DType dtype = parseDType(node.get("dtype"), tensor, file);
        long[] shape = parseShape(node.get("shape"), tensor, file);
        long[] offsets = parseOffsets(node.get("data_offsets"), tensor, file);
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static DType parseDType(JsonNode node, String tensor, Path file) {
        if (!node.isTextual()) {
            throw new BadInputException(file, tensor + ": dtype must be a string but is " + kind(node));
        }
        DType dtype = DType.fromSafetensorsName(node.textValue());
        if (dtype == null) {
            throw new BadInputException(file, tensor + ": unknown dtype " + quote(node.textValue())
                    + " (known: " + Arrays.stream(DType.values()).map(Enum::name)
                    .collect(Collectors.joining(", ")) + ")");
        }
        return dtype;
    }

    private static long[] parseShape(JsonNode node, String tensor, Path file) {
        String rule = tensor + ": shape must be a list of non-negative integers";
        if (!node.isArray()) {
            throw new BadInputException(file, rule + " but is " + kind(node));
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(node.get(i));
            if (shape[i] < 0) {
                throw new BadInputException(file, rule + " below 2^63 but dimension " + i + " is "
                        + render(node.get(i)));
            }
        }
        return shape;
    }

    private static long[] parseOffsets(JsonNode node, String tensor, Path file) {
        String rule = tensor + ": data_offsets must be two non-negative integers [begin, end] below 2^63";
        if (!node.isArray() || node.size() != 2) {
            throw new BadInputException(file, rule + " but is " + render(node));
        }
        long begin = nonNegativeLong(node.get(0));
        long end = nonNegativeLong(node.get(1));
        if (begin < 0 || end < 0) {
            throw new BadInputException(file, rule + " but is " + render(node));
        }
        if (end < begin) {
            throw new BadInputException(file, tensor + ": data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        return new long[] {begin, end};
    }

    /** The node's value when it is an integer in [0, 2^63), else -1. */
    private static long nonNegativeLong(JsonNode node) {
        if (!node.isIntegralNumber()) {
            return -1;
        }
        BigInteger v = node.bigIntegerValue();
        return v.signum() >= 0 && v.bitLength() < 64 ? v.longValue() : -1;
    }

    private static void checkByteLength(Entry e, Path file) {
        String tensor = "tensor " + quote(e.name());
        String shape = Arrays.toString(e.shape);
        long elements = 1;
        long bits;
        try {
            for (long d : e.shape) {
                elements = Math.multiplyExact(elements, d);
            }
            bits = Math.multiplyExact(elements, (long) e.dtype().bits());
        } catch (ArithmeticException overflow) {
            throw new BadInputException(file, tensor + ": the byte size of " + e.dtype() + " shape " + shape
                    + " overflows a 64-bit integer");
        }
        if (bits % 8 != 0) {
            throw new BadInputException(file, tensor + ": " + e.dtype() + " shape " + shape + " holds "
                    + elements + " elements of " + e.dtype().bits() + " bits = " + bits
                    + " bits, not a whole number of bytes");
        }
        long bytes = e.dtype().bytesFor(elements);
        if (bytes != e.byteLength()) {
            throw new BadInputException(file, tensor + ": data_offsets [" + e.begin() + ", " + e.end()
                    + "] span " + e.byteLength() + " bytes but " + e.dtype() + " shape " + shape + " needs "
                    + bytes + " bytes");
        }
    }

    private static void checkLayout(List<Entry> parsed, long dataLength, Path file) {
        List<Entry> byOffset = new ArrayList<>(parsed);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end)
                .thenComparing(Entry::name));
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin() > expected) {
                throw new BadInputException(file, previous == null
                        ? "data offsets are not contiguous: tensor " + quote(e.name()) + " starts at data byte "
                                + e.begin() + ", leaving a gap of " + e.begin() + " bytes at the start"
                        : "data offsets are not contiguous: gap of " + (e.begin() - expected)
                                + " bytes between tensor " + quote(previous.name()) + " (ends at " + expected
                                + ") and tensor " + quote(e.name()) + " (starts at " + e.begin() + ")");
            }
            if (e.begin() < expected) {
                throw new BadInputException(file, "data offsets overlap: tensor " + quote(previous.name())
                        + " [" + previous.begin() + ", " + previous.end() + ") and tensor " + quote(e.name())
                        + " [" + e.begin() + ", " + e.end() + ") share bytes");
            }
            expected = e.end();
            previous = e;
        }
        if (expected < dataLength) {
            throw new BadInputException(file, "file has " + (dataLength - expected)
                    + " trailing bytes: the tensors end at data byte " + expected + " but the data section holds "
                    + dataLength + " bytes");
        }
        if (expected > dataLength) {
            throw new BadInputException(file, "file is truncated: tensor " + quote(previous.name())
                    + " ends at data byte " + expected + " but the data section holds only " + dataLength
                    + " bytes");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Message helpers: everything user-controlled is escaped and shortened so a message stays one line.

    /** {@code s} as a JSON string literal (control characters escaped), shortened when long. */
    static String quote(String s) {
        String shown = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) : s;
        String quoted = "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(shown)) + "\"";
        return s.length() > MAX_QUOTED ? quoted + "..." : quoted;
    }

    private static String render(JsonNode node) {
        return oneLine(node.toString());
    }

    private static String kind(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "a string " + quote(node.textValue());
        }
        if (node.isNull()) {
            return "null";
        }
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + render(node);
    }

    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? ' ' : c);
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }

    private static String where(JsonLocation loc) {
        return loc == null ? "an unknown position" : "line " + loc.getLineNr() + " column " + loc.getColumnNr();
    }

    private static String currentName(JsonParser parser) {
        try {
            return parser == null ? null : parser.currentName();
        } catch (IOException e) {
            return null;
        }
    }

    private static String inside(JsonStreamContext context) {
        JsonStreamContext parent = context == null ? null : context.getParent();
        while (parent != null && parent.getCurrentName() == null) {
            parent = parent.getParent();
        }
        return parent == null ? " at the top level" : " inside " + quote(parent.getCurrentName());
    }

    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? kind : kind + ": " + oneLine(e.getMessage());
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position, Path file) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                // The file shrank between size() and read(): report it as the truncation it is.
                throw new BadInputException(file, "file ended early while reading its header (it changed while open?)");
            }
            at += n;
        }
    }
}
