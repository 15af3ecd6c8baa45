package dev.superscope.checkpoints.safetensors;

import static dev.superscope.checkpoints.safetensors.HandMadeFiles.entry;
import static dev.superscope.checkpoints.safetensors.HandMadeFiles.file;
import static dev.superscope.checkpoints.safetensors.HandMadeFiles.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every validation rule of the header, one hand-built bad input each, plus the legal corner cases. */
class SafetensorsHeaderTest {
    private static final Path FILE = Path.of("hand-made", "case.safetensors");

    @TempDir
    Path dir;

    /** Asserts a BadInputException for FILE whose one-line message holds every fragment. */
    static BadInputException rejects(Path file, Executable action, String... fragments) {
        BadInputException e = assertThrows(BadInputException.class, action);
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": "), "message names the file: " + msg);
        assertEquals(file, e.file());
        assertFalse(msg.contains("\n") || msg.contains("\r"), "one line: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "message should contain '" + f + "': " + msg);
        }
        return e;
    }

    private static BadInputException rejectsJson(String json, long dataBytes, String... fragments) {
        return rejects(FILE, () -> SafetensorsHeader.parse(utf8(json), dataBytes, FILE), fragments);
    }

    // ----- legal inputs -----

    @Test
    void parsesEntriesMetadataAndPadding() {
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"x\"},"
                + entry("b", "F32", "[2,3]", 0, 24) + "," + entry("a", "BF16", "[4]", 24, 32) + "}     ";
        SafetensorsHeader h = SafetensorsHeader.parse(utf8(json), 32, FILE);
        assertEquals(utf8(json).length, h.headerLength());
        assertEquals(8 + h.headerLength(), h.dataStart());
        assertEquals(32, h.dataLength());
        assertEquals(List.of("format", "note"), List.copyOf(h.metadata().keySet()));
        assertEquals("pt", h.metadata().get("format"));
        assertEquals(List.of("a", "b"), h.entries().stream().map(SafetensorsHeader.Entry::name).toList());
        SafetensorsHeader.Entry b = h.entry("b").orElseThrow();
        assertEquals(DType.F32, b.dtype());
        assertArrayEquals(new long[] {2, 3}, b.shape());
        assertEquals(0, b.begin());
        assertEquals(24, b.end());
        assertEquals(h.dataStart() + 24, h.absoluteOffset(h.entry("a").orElseThrow()));
    }

    @Test
    void acceptsEmptyHeaderNullMetadataScalarsAndEmptyTensors() {
        assertEquals(0, SafetensorsHeader.parse(utf8("{}      "), 0, FILE).size());
        String json = "{\"__metadata__\":null," + entry("s", "F64", "[]", 0, 8) + ","
                + entry("e1", "F32", "[0,5]", 8, 8) + "," + entry("e2", "I8", "[0]", 8, 8) + "}";
        SafetensorsHeader h = SafetensorsHeader.parse(utf8(json), 8, FILE);
        assertEquals(Map.of(), h.metadata());
        assertEquals(3, h.size());
        assertEquals(0, h.entry("s").orElseThrow().shape().length);
    }

    @Test
    void acceptsOffsetsListedOutOfOrder() {
        String json = "{" + entry("late", "F32", "[1]", 4, 8) + "," + entry("early", "F32", "[1]", 0, 4) + "}";
        assertEquals(2, SafetensorsHeader.parse(utf8(json), 8, FILE).size());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void recognisesEveryDtypeByItsExactName(DType dtype) {
        // 8 elements are a whole number of bytes for every width, including 4 and 6 bits.
        long bytes = dtype.bytesFor(8);
        String json = "{" + entry("t", dtype.name(), "[8]", 0, bytes) + "}";
        assertEquals(dtype, SafetensorsHeader.parse(utf8(json), bytes, FILE).entry("t").orElseThrow().dtype());
    }

    @Test
    void readsTheHeaderFromAFile() throws IOException {
        String json = "{" + entry("w", "F16", "[2,2]", 0, 8) + "}";
        Path p = HandMadeFiles.write(dir, "ok.safetensors", file(json, 8));
        SafetensorsHeader h = SafetensorsHeader.read(p);
        assertEquals(json.length(), h.headerLength());
        assertEquals(8 + json.length() + 8, h.fileLength());
    }

    // ----- rules about the length prefix and the file size -----

    @Test
    void fileShorterThanEightBytes() throws IOException {
        Path p = HandMadeFiles.write(dir, "short.safetensors", new byte[] {1, 0, 0, 0, 0});
        rejects(p, () -> SafetensorsHeader.read(p), "5 bytes long", "shorter than the 8-byte");
        Path empty = HandMadeFiles.write(dir, "empty.safetensors", new byte[0]);
        rejects(empty, () -> SafetensorsStore.open(empty), "0 bytes long");
    }

    @Test
    void headerLengthAboveTheLimit() throws IOException {
        Path p = HandMadeFiles.write(dir, "huge.safetensors", file(utf8("{}"), 100_000_001L, 0));
        rejects(p, () -> SafetensorsStore.open(p), "header length 100000001", "exceeds", "100000000");
        Path neg = HandMadeFiles.write(dir, "u64.safetensors", file(utf8("{}"), -1L, 0));
        rejects(neg, () -> SafetensorsStore.open(neg), "header length 18446744073709551615", "exceeds");
        rejects(FILE, () -> SafetensorsHeader.parse(new byte[100_000_001], 0, FILE), "exceeds");
    }

    @Test
    void headerLengthBeyondTheEndOfTheFile() throws IOException {
        Path p = HandMadeFiles.write(dir, "past.safetensors", file(utf8("{}"), 4096, 0));
        rejects(p, () -> SafetensorsStore.open(p), "header length 4096 runs past the end of the file", "10 bytes");
    }

    // ----- rules about the JSON text -----

    @Test
    void headerNotUtf8() {
        byte[] header = utf8("{\"a\":{}}");
        header[2] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        rejects(FILE, () -> SafetensorsHeader.parse(header, 0, FILE), "not valid UTF-8", "header byte 2");
        byte[] surrogate = {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}'};
        rejects(FILE, () -> SafetensorsHeader.parse(surrogate, 0, FILE), "not valid UTF-8");
    }

    @Test
    void headerNotJson() {
        rejectsJson("{\"a\":", 0, "header is not JSON", "line 1");
        rejectsJson("{'a':1}", 0, "header is not JSON");
        rejectsJson("        ", 0, "header is not JSON", "empty or blank");
        rejectsJson("", 0, "header is not JSON", "empty or blank");
        rejectsJson("{} {}", 0, "header is not JSON", "unexpected content after");
        rejectsJson("{}\u0000\u0000", 0, "header is not JSON");
    }

    @Test
    void headerNotAJsonObject() {
        rejectsJson("[1,2]", 0, "header is not a JSON object but an array");
        rejectsJson("\"F32\"", 0, "header is not a JSON object but a string");
    }

    @Test
    void duplicateKeys() {
        String e = entry("a", "F32", "[1]", 0, 4);
        rejectsJson("{" + e + "," + e + "}", 4, "duplicate key \"a\" at the top level");
        rejectsJson("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                "duplicate key \"dtype\" inside \"a\"");
        rejectsJson("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "duplicate key \"k\" inside \"__metadata__\"");
    }

    @Test
    void metadataNotAStringToStringMap() {
        rejectsJson("{\"__metadata__\":[\"a\"]}", 0, "__metadata__ must map strings to strings but is an array");
        rejectsJson("{\"__metadata__\":{\"n\":3}}", 0, "__metadata__ must map strings to strings but key \"n\"");
        rejectsJson("{\"__metadata__\":{\"n\":null}}", 0, "key \"n\" holds null");
    }

    // ----- rules about one tensor entry -----

    @Test
    void entryNotAnObject() {
        rejectsJson("{\"w\":[0,4]}", 4, "tensor \"w\": entry is an array, not an object");
        rejectsJson("{\"w\":\"F32\"}", 4, "tensor \"w\": entry is a string");
    }

    @Test
    void entryMissingOrExtraFields() {
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor \"w\": missing field \"data_offsets\"");
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor \"w\": missing field \"shape\"");
        rejectsJson("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor \"w\": missing field \"dtype\"");
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"strides\":[1]}}", 4,
                "tensor \"w\": unexpected field \"strides\"");
    }

    @Test
    void unknownDtype() {
        rejectsJson("{" + entry("w", "F12", "[1]", 0, 4) + "}", 4, "tensor \"w\": unknown dtype \"F12\"",
                "known: BOOL", "F8_E4M3");
        rejectsJson("{" + entry("w", "f32", "[1]", 0, 4) + "}", 4, "unknown dtype \"f32\"");
        rejectsJson("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                "tensor \"w\": dtype must be a string but is a number 4");
    }

    @Test
    void shapeNotAListOfNonNegativeIntegers() {
        String rule = "tensor \"w\": shape must be a list of non-negative integers";
        rejectsJson("{" + entry("w", "F32", "4", 0, 16) + "}", 16, rule, "but is a number 4");
        rejectsJson("{" + entry("w", "F32", "[2,-2]", 0, 16) + "}", 16, rule, "dimension 1 is -2");
        rejectsJson("{" + entry("w", "F32", "[1.5]", 0, 16) + "}", 16, rule, "dimension 0 is 1.5");
        rejectsJson("{" + entry("w", "F32", "[\"4\"]", 0, 16) + "}", 16, rule);
        rejectsJson("{" + entry("w", "F32", "[18446744073709551616]", 0, 16) + "}", 16, rule);
    }

    @Test
    void dataOffsetsNotTwoOrderedIntegers() {
        String rule = "tensor \"w\": data_offsets must be two non-negative integers";
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4, rule, "[0,4,8]");
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, rule);
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"begin\":0}}}", 4, rule);
        rejectsJson("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,9223372036854775808]}}", 4, rule);
        rejectsJson("{" + entry("w", "F32", "[0]", 8, 4) + "}", 8, "tensor \"w\": data_offsets [8, 4] end before they begin");
    }

    // ----- rules about how the entries fit together -----

    @Test
    void offsetsWithAGapOrAnOverlap() {
        rejectsJson("{" + entry("w", "F32", "[1]", 4, 8) + "}", 8,
                "not contiguous", "tensor \"w\" starts at data byte 4", "gap of 4 bytes at the start");
        rejectsJson("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12,
                "not contiguous", "gap of 4 bytes between tensor \"a\" (ends at 4) and tensor \"b\" (starts at 8)");
        rejectsJson("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[1]", 4, 8) + "}", 8,
                "overlap", "tensor \"a\" [0, 8)", "tensor \"b\" [4, 8)");
    }

    @Test
    void byteLengthDisagreesWithShapeAndDtype() {
        rejectsJson("{" + entry("w", "F32", "[2,3]", 0, 20) + "}", 20,
                "tensor \"w\": data_offsets [0, 20] span 20 bytes but F32 shape [2, 3] needs 24 bytes");
    }

    @Test
    void byteLengthOverflows() {
        rejectsJson("{" + entry("w", "F32", "[4294967296,4294967296]", 0, 4) + "}", 4, "tensor \"w\"", "overflows");
        rejectsJson("{" + entry("w", "F64", "[9223372036854775807]", 0, 4) + "}", 4, "tensor \"w\"", "overflows");
    }

    @Test
    void subByteDtypeWithAFractionalByteCount() {
        rejectsJson("{" + entry("w", "F4", "[3]", 0, 2) + "}", 2,
                "tensor \"w\": F4 shape [3] holds 3 elements of 4 bits = 12 bits, not a whole number of bytes");
        rejectsJson("{" + entry("w", "F6_E2M3", "[2,1]", 0, 2) + "}", 2, "not a whole number of bytes");
    }

    @Test
    void dataNotEndingAtTheEndOfTheFile() throws IOException {
        String json = "{" + entry("w", "F32", "[2]", 0, 8) + "}";
        Path trailing = HandMadeFiles.write(dir, "trailing.safetensors", file(json, 12));
        rejects(trailing, () -> SafetensorsStore.open(trailing), "4 trailing bytes", "end at data byte 8");
        Path truncated = HandMadeFiles.write(dir, "truncated.safetensors", file(json, 6));
        rejects(truncated, () -> SafetensorsStore.open(truncated), "file is truncated",
                "tensor \"w\" ends at data byte 8", "holds only 6 bytes");
        rejectsJson("{}", 3, "3 trailing bytes");
    }

    @Test
    void namesWithControlCharactersStayOnOneLine() {
        BadInputException e = rejectsJson("{\"bad\\nname\":7}", 0, "tensor \"bad\\nname\"");
        assertFalse(e.reason().contains("\n"));
    }
}
