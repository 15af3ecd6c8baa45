package dev.superscope.checkpoints.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over {@link SafetensorsHeader#parse} and {@link SafetensorsStore#open}: valid
 * files and headers get bytes flipped, inserted and deleted and JSON tokens spliced, and every case must
 * either parse into a self-consistent header or fail with a one-line {@link BadInputException} naming
 * the file. Any other exception fails the test with the seed and the case, so it can be replayed with
 * {@code -Dsuperscope.fuzz.seed=...}.
 */
class SafetensorsFuzzTest {
    private static final int HEADER_CASES = 2000;
    private static final int FILE_CASES = 1000;
    private static final Pattern TOKEN = Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null|[{}\\[\\]:,]");
    private static final String[] SPLICES = {
        "\"F32\"", "\"BF16\"", "\"F16\"", "\"F64\"", "\"F4\"", "\"F6_E3M2\"", "\"I64\"", "\"C64\"", "\"X\"",
        "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"\"", "\"\\u0000\"", "\"\\n\"",
        "\"\u00e9\"", "0", "1", "-1", "7", "4096", "2147483648", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "1e400", "1.5", "-0", "null", "true", "[]", "{}", "[0,0]", "[1,2,3]", ",", ":",
        "[", "]", "{", "}", "{\"a\":1}", "[[[[[[[[", "\"shape\":[]",
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<byte[]> corpus = new ArrayList<>();

    @Test
    void everyMutantParsesOrFailsWithBadInput() throws IOException {
        long seed = Long.getLong("superscope.fuzz.seed", 0x5AFE7E45L);
        buildCorpus();
        Random rnd = new Random(seed);
        Path virtual = Path.of("fuzz", "mutant.safetensors");
        for (int i = 0; i < HEADER_CASES; i++) {
            byte[] base = corpus.get(rnd.nextInt(corpus.size()));
            int n = (int) ByteBuffer.wrap(base, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] header = Arrays.copyOfRange(base, 8, 8 + n);
            long dataLength = base.length - 8L - n;
            int family = rnd.nextInt(10);
            String how;
            byte[] mutant;
            if (family < 4) {
                how = "tree";
                mutant = mutateTree(header, rnd);
            } else if (family < 7) {
                how = mutateTokens(header, rnd);
                mutant = spliced;
            } else {
                how = "bytes";
                mutant = mutateBytes(header, rnd);
            }
            if (rnd.nextInt(8) == 0) {
                dataLength = Math.max(0, dataLength + rnd.nextInt(17) - 8);
            }
            try {
                SafetensorsHeader h = SafetensorsHeader.parse(mutant, dataLength, virtual);
                assertConsistent(h, dataLength);
            } catch (BadInputException e) {
                assertOneLineNaming(e, virtual, seed, i);
            } catch (Throwable t) {
                fail("seed " + seed + " header case " + i + " (" + how + "): " + t + " on header "
                        + printable(mutant), t);
            }
        }
        Path file = dir.resolve("mutant.safetensors");
        for (int i = 0; i < FILE_CASES; i++) {
            byte[] base = corpus.get(rnd.nextInt(corpus.size()));
            byte[] mutant = mutateFile(base, rnd);
            Files.write(file, mutant);
            try (SafetensorsStore store = SafetensorsStore.open(file)) {
                assertConsistent(store.header(), mutant.length - store.header().dataStart());
                readEveryMatrix(store, file, seed, i);
            } catch (BadInputException e) {
                assertOneLineNaming(e, file, seed, i);
            } catch (Throwable t) {
                fail("seed " + seed + " file case " + i + ": " + t + " on " + printable(mutant), t);
            }
        }
    }

    private byte[] spliced;

    /** Replaces, deletes, duplicates or swaps JSON tokens; leaves the result in {@link #spliced}. */
    private String mutateTokens(byte[] header, Random rnd) {
        String text = new String(header, java.nio.charset.StandardCharsets.UTF_8);
        List<int[]> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            tokens.add(new int[] {m.start(), m.end()});
        }
        if (tokens.isEmpty()) {
            spliced = header;
            return "tokens(none)";
        }
        int[] t = tokens.get(rnd.nextInt(tokens.size()));
        String before = text.substring(0, t[0]);
        String token = text.substring(t[0], t[1]);
        String after = text.substring(t[1]);
        String out;
        String how;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                String s = SPLICES[rnd.nextInt(SPLICES.length)];
                out = before + s + after;
                how = "replace " + token + " with " + s;
            }
            case 1 -> {
                out = before + after;
                how = "delete " + token;
            }
            case 2 -> {
                out = before + token + token + after;
                how = "double " + token;
            }
            default -> {
                int[] u = tokens.get(rnd.nextInt(tokens.size()));
                if (u[0] == t[0]) {
                    spliced = header;
                    return "tokens: swap a token with itself";
                }
                if (u[0] < t[0]) {
                    int[] x = t;
                    t = u;
                    u = x;
                }
                out = text.substring(0, t[0]) + text.substring(u[0], u[1]) + text.substring(t[1], u[0])
                        + text.substring(t[0], t[1]) + text.substring(u[1]);
                how = "swap two tokens";
            }
        }
        spliced = out.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return "tokens: " + how;
    }

    /**
     * Edits the parsed JSON (so the result is well-formed and reaches the semantic rules): one entry's
     * field replaced, nudged, dropped or joined by an extra one, an entry dropped or its offsets swapped
     * with another's, or the metadata replaced; then re-serialised with random space padding.
     */
    private static byte[] mutateTree(byte[] header, Random rnd) {
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(header);
        } catch (IOException | ClassCastException e) {
            return header;
        }
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        names.remove(SafetensorsHeader.METADATA_KEY);
        if (names.isEmpty() || rnd.nextInt(8) == 0) {
            root.set(SafetensorsHeader.METADATA_KEY, randomValue(rnd));
        } else {
            String name = names.get(rnd.nextInt(names.size()));
            ObjectNode entry = (ObjectNode) root.get(name);
            String field = new String[] {"dtype", "shape", "data_offsets"}[rnd.nextInt(3)];
            switch (rnd.nextInt(7)) {
                case 0 -> entry.set(field, randomValue(rnd));
                case 1 -> entry.remove(field);
                case 2 -> entry.put(new String[] {"strides", "dtype ", "offset"}[rnd.nextInt(3)], 0);
                case 3 -> root.remove(name);
                case 4 -> entry.put("dtype", DType.values()[rnd.nextInt(DType.values().length)].name());
                case 5 -> {
                    JsonNode other = root.get(names.get(rnd.nextInt(names.size())));
                    entry.set("data_offsets", other.get("data_offsets").deepCopy());
                }
                default -> {
                    JsonNode list = entry.get(rnd.nextBoolean() ? "shape" : "data_offsets");
                    if (list instanceof ArrayNode array && array.size() > 0) {
                        int at = rnd.nextInt(array.size());
                        long[] nudges = {-1, 1, -8, 8, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE};
                        long nudge = nudges[rnd.nextInt(nudges.length)];
                        array.set(at, array.get(at).bigIntegerValue().add(java.math.BigInteger.valueOf(nudge)));
                    } else {
                        entry.set(field, randomValue(rnd));
                    }
                }
            }
        }
        String text = root.toString() + " ".repeat(rnd.nextInt(9));
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static JsonNode randomValue(Random rnd) {
        String s = SPLICES[rnd.nextInt(SPLICES.length)];
        try {
            return JSON.readTree(s);
        } catch (IOException notAValue) {
            return JSON.getNodeFactory().textNode(s);
        }
    }

    private static byte[] mutateBytes(byte[] in, Random rnd) {
        byte[] b = in.clone();
        int edits = 1 + rnd.nextInt(3);
        for (int k = 0; k < edits; k++) {
            int kind = rnd.nextInt(5);
            if (b.length == 0) {
                kind = 2;
            }
            switch (kind) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[rnd.nextInt(b.length)] = interestingByte(rnd);
                case 2 -> b = insert(b, rnd.nextInt(b.length + 1), randomBytes(rnd, 1 + rnd.nextInt(4)));
                case 3 -> b = delete(b, rnd.nextInt(b.length), 1 + rnd.nextInt(Math.min(8, b.length)));
                default -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
        }
        return b;
    }

    /** Mutates a whole file: its length prefix, header, data or length. */
    private static byte[] mutateFile(byte[] in, Random rnd) {
        byte[] b = in.clone();
        switch (rnd.nextInt(7)) {
            case 0 -> {
                long[] lengths = {0, 1, 7, 8, b.length - 8, b.length - 7, 100_000_000, 100_000_001, -1,
                    Long.MIN_VALUE, rnd.nextInt(b.length + 16)};
                ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(lengths[rnd.nextInt(lengths.length)]);
            }
            case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 2 -> b = insert(b, b.length, randomBytes(rnd, 1 + rnd.nextInt(16)));
            case 3, 4 -> {
                int n = (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                byte[] original = Arrays.copyOfRange(b, 8, 8 + n);
                byte[] header = rnd.nextBoolean() ? mutateBytes(original, rnd) : mutateTree(original, rnd);
                ByteBuffer out = ByteBuffer.allocate(8 + header.length + b.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
                out.putLong(rnd.nextBoolean() ? header.length : n).put(header).put(b, 8 + n, b.length - 8 - n);
                b = out.array();
            }
            default -> b = mutateBytes(b, rnd);
        }
        return b;
    }

    private static byte interestingByte(Random rnd) {
        byte[] choices = {'{', '}', '[', ']', '"', ',', ':', '-', '0', '9', ' ', '\\', 0, (byte) 0x80, (byte) 0xC0,
            (byte) 0xE2, (byte) 0xF0, (byte) 0xFF};
        return rnd.nextBoolean() ? choices[rnd.nextInt(choices.length)] : (byte) rnd.nextInt(256);
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = interestingByte(rnd);
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] extra) {
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int count) {
        int n = Math.min(count, b.length - at);
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }

    /** What a header that parsed must satisfy: contiguous, sized, covering the data exactly. */
    private static void assertConsistent(SafetensorsHeader h, long dataLength) {
        List<SafetensorsHeader.Entry> byOffset = new ArrayList<>(h.entries());
        byOffset.sort((x, y) -> x.begin() != y.begin() ? Long.compare(x.begin(), y.begin()) : Long.compare(x.end(), y.end()));
        long expected = 0;
        for (SafetensorsHeader.Entry e : byOffset) {
            assertEquals(expected, e.begin(), e.toString());
            long elements = 1;
            for (long d : e.shape()) {
                elements = Math.multiplyExact(elements, d);
            }
            assertEquals(e.dtype().bytesFor(elements), e.byteLength(), e.toString());
            expected = e.end();
        }
        assertEquals(dataLength, expected);
        assertEquals(dataLength, h.dataLength());
    }

    private static void readEveryMatrix(SafetensorsStore store, Path file, long seed, int i) {
        for (TensorInfo t : store.tensors()) {
            try {
                Matrix m = store.matrix(t.name());
                if (m.rows() > 0) {
                    m.rowsAsFloats(0, 1);
                    m.rowsAsFloats(m.rows() - 1, 1);
                }
            } catch (BadInputException expected) {
                assertOneLineNaming(expected, file, seed, i);
            }
        }
    }

    private static void assertOneLineNaming(BadInputException e, Path file, long seed, int i) {
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": "), "seed " + seed + " case " + i + ": " + msg);
        assertFalse(msg.contains("\n") || msg.contains("\r"), "seed " + seed + " case " + i + ": " + msg);
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 400); i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.length > 400 ? s + "...(" + b.length + " bytes)" : s.toString();
    }

    /** Valid files: a writer-made file with every kind of entry, plus the small real fixtures if present. */
    private void buildCorpus() throws IOException {
        Path made = dir.resolve("made.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .floats("wte", DType.F32, new long[] {6, 4}, new float[24])
                .floats("bf", DType.BF16, new long[] {3, 2}, new float[6])
                .floats("h", DType.F16, new long[] {2, 2}, new float[4])
                .floats("scalar", DType.F64, new long[] {}, new float[1])
                .floats("empty", DType.F32, new long[] {0, 4}, new float[0])
                .tensor("ids", DType.I64, new long[] {2}, ByteBuffer.allocate(16))
                .tensor("packed", DType.F4, new long[] {2, 2}, ByteBuffer.allocate(2))
                .write(made);
        corpus.add(Files.readAllBytes(made));
        corpus.add(HandMadeFiles.file("{}      ", 0));
        String configured = System.getProperty("superscope.fixtures");
        Path checkpoints = configured == null ? null : Path.of(configured, "checkpoints");
        if (checkpoints != null && Files.isDirectory(checkpoints)) {
            try (Stream<Path> walk = Files.walk(checkpoints)) {
                for (Path p : walk.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList()) {
                    if (Files.size(p) < 64 * 1024) {
                        corpus.add(Files.readAllBytes(p));
                    }
                }
            }
        }
    }
}
