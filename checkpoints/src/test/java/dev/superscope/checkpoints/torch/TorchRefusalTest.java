package dev.superscope.checkpoints.torch;

import static dev.superscope.checkpoints.torch.TorchArchiveBuilder.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.TensorStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One hand-made hostile or damaged file per construct the reader refuses. Each must fail quickly with a
 * one-line {@link BadInputException} that names the file and the reason.
 */
class TorchRefusalTest {

    @TempDir
    Path tmp;

    private int files;

    private Path write(byte[] bytes) {
        try {
            return Files.write(tmp.resolve("case-" + files++ + ".bin"), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path archive(byte[] pickle) {
        return new TorchArchiveBuilder("archive").pickle(pickle).write(tmp.resolve("case-" + files++ + ".bin"));
    }

    /** Opens {@code file}, expects a refusal containing every fragment, and returns the reason. */
    private static String refused(Path file, String... fragments) {
        BadInputException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(BadInputException.class, () -> TorchZipStore.open(file).close()));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), "names the file: " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "expected \"" + fragment + "\" in: " + message);
        }
        return e.reason();
    }

    // ---- globals -------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"os, system", "posix, system", "builtins, eval", "builtins, exec", "builtins, getattr",
        "subprocess, Popen", "_codecs, encode", "torch, load", "numpy.core.multiarray, _reconstruct",
        "torch._utils, _rebuild_device_tensor_from_numpy", "collections, defaultdict", "torch.nn.modules.linear, Linear",
        "__builtin__, apply", "torch, _utils._rebuild_tensor_v2"})
    void disallowedGlobalsAreRefusedByName(String module, String name) {
        byte[] pickle = new PickleBuilder().proto(2).global(module, name).unicode("echo hi").tuple(1).reduce()
                .stop().bytes();
        refused(archive(pickle), "refused pickle global " + module + "." + name,
                "only state-dict globals are allowed", "at byte 2 of archive/data.pkl");
        byte[] stacked = new PickleBuilder().proto(4).stackGlobal(module, name).emptyTuple().reduce().stop().bytes();
        refused(archive(stacked), "refused pickle global " + module + "." + name);
    }

    @Test
    void globalNamesWithControlCharactersStayOnOneLine() {
        byte[] pickle = new PickleBuilder().proto(4).stackGlobal("os\nfake", "sys\rtem").stop().bytes();
        refused(archive(pickle), "refused pickle global os?fake.sys?tem");
    }

    // ---- opcodes -------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"105, INST", "111, OBJ", "130, EXT1", "131, EXT2", "132, EXT4", "80, PERSID", "73, INT",
        "76, LONG", "83, STRING", "86, UNICODE", "70, FLOAT", "143, EMPTY_SET", "146, NEWOBJ_EX", "48, POP",
        "50, DUP", "49, POP_MARK", "103, GET", "112, PUT", "139, LONG4", "142, BINBYTES8", "150, BYTEARRAY8",
        "151, NEXT_BUFFER", "145, FROZENSET", "144, ADDITEMS"})
    void opcodesOutsideTheStateDictSubsetAreRefusedByName(int opcode, String name) {
        byte[] pickle = new PickleBuilder().proto(2).op(opcode).raw("os\nsystem\n".getBytes(StandardCharsets.US_ASCII))
                .stop().bytes();
        refused(archive(pickle), "refused pickle opcode " + name + String.format(" (0x%02x)", opcode));
    }

    @Test
    void unknownOpcodeIsRefusedByByte() {
        refused(archive(new PickleBuilder().proto(2).op(0xff).stop().bytes()), "unknown opcode 0xff");
    }

    @Test
    void callingSomethingThatIsNotAnAllowedCallableIsRefused() {
        // REDUCE on a string (the "callable" is data).
        refused(archive(new PickleBuilder().proto(2).unicode("os.system").emptyTuple().reduce().stop().bytes()),
                "refused REDUCE on a str");
        // A storage class and a dtype are allowed as data only.
        refused(archive(new PickleBuilder().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop()
                .bytes()), "refused call of torch.FloatStorage (allowed only as data)");
        refused(archive(new PickleBuilder().proto(2).global("torch", "float32").emptyTuple().reduce().stop()
                .bytes()), "refused call of torch.float32");
        // NEWOBJ may only create an OrderedDict.
        refused(archive(new PickleBuilder().proto(2).global("torch", "Size").emptyTuple().op(0x81).stop().bytes()),
                "refused NEWOBJ of torch.Size");
        // BUILD on anything but a dict or tensor (it would set attributes, i.e. run __setstate__).
        refused(archive(new PickleBuilder().proto(2).global("torch", "device").emptyDict().build().stop().bytes()),
                "refused BUILD on a torch.device");
        // A persistent id that is not a torch storage record.
        refused(archive(new PickleBuilder().proto(2).unicode("/etc/passwd").persid().stop().bytes()),
                "unsupported persistent id");
        // _rebuild_tensor_v2 needs a storage, not a string.
        refused(archive(new PickleBuilder().proto(2).global("torch._utils", "_rebuild_tensor_v2").mark()
                .unicode("x").integer(0).ints(1).ints(1).bool(false).none().tuple().reduce().stop().bytes()),
                "_rebuild_tensor_v2 needs a storage");
    }

    // ---- tensors and storages ------------------------------------------------------------------------

    @Test
    void storageSmallerThanItsTensorIsRefusedNamingTheTensor() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("model.embed", "FloatStorage", 6, 0, new long[] {3, 4},
                new long[] {4, 1});
        Path file = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(new float[6])).write(tmp.resolve("s.bin"));
        refused(file, "tensor model.embed", "needs 48 bytes of storage 0, which holds only 24");
    }

    @Test
    void storageOffsetPastTheEndIsRefused() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 12, 1000, new long[] {3, 4},
                new long[] {4, 1});
        Path file = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(new float[12])).write(tmp.resolve("o.bin"));
        refused(file, "tensor w", "storage offset 1000", "which holds only 48");
    }

    @Test
    void stridesThatOverflowAreRefused() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 12, 0, new long[] {3, 4},
                new long[] {Long.MAX_VALUE / 2, 1});
        Path file = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(new float[12])).write(tmp.resolve("v.bin"));
        refused(file, "tensor w has sizes, strides and offset that overflow");
    }

    @Test
    void broadcastViewWithMoreElementsThanALongCountsIsRefused() {
        // Stride 0 makes every element the same storage element, so the storage check alone passes.
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 1, 0,
                new long[] {1L << 40, 1L << 40}, new long[] {0, 0});
        Path file = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(1)).write(tmp.resolve("b.bin"));
        refused(file, "tensor w has sizes, strides and offset that overflow");
    }

    @Test
    void storageShorterThanItsDeclaredNumelIsRefused() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 100, 0, new long[] {2},
                new long[] {1});
        Path file = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(new float[2])).write(tmp.resolve("n.bin"));
        refused(file, "storage 0 holds 8 bytes, less than the 100 F32 elements its record declares");
    }

    @Test
    void missingStorageEntryIsRefused() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 2, 0, new long[] {2},
                new long[] {1});
        refused(archive(pickle), "tensor w refers to storage 0, which is not in the archive");
    }

    @Test
    void deflatedStorageIsRefused() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 4, 0, new long[] {2, 2},
                new long[] {2, 1});
        Path file = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(1, 2, 3, 4)).deflateStorages()
                .write(tmp.resolve("d.bin"));
        refused(file, "storage entry a/data/0 is compressed (method 8)", "torch.save never compresses storages");
    }

    @Test
    void twoTensorsWithTheSameDottedNameAreRefused() {
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
        p.unicode("a.b").tensor("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1});
        p.unicode("a").emptyDict().unicode("b").tensor("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1})
                .setitem();
        Path file = new TorchArchiveBuilder("a").pickle(p.setitems().stop().bytes()).storage("0", f32(1))
                .write(tmp.resolve("dup.bin"));
        refused(file, "two tensors are named a.b");
    }

    @Test
    void bigEndianByteOrderIsRefused() {
        Path file = new TorchArchiveBuilder("a").pickle(new PickleBuilder().proto(2).emptyDict().stop().bytes())
                .byteorder("big").write(tmp.resolve("be.bin"));
        refused(file, "byteorder \"big\"", "only little-endian");
    }

    @Test
    void aMissingByteOrderMeansLittleEndianAsInOldFiles() {
        Path file = new TorchArchiveBuilder("a").pickle(new PickleBuilder().proto(2).emptyDict().stop().bytes())
                .byteorder(null).write(tmp.resolve("old.bin"));
        try (TensorStore store = TorchZipStore.open(file)) {
            assertTrue(store.tensors().isEmpty());
        }
    }

    // ---- hostile pickles: sizes, depth, cycles -------------------------------------------------------

    @Test
    void lengthsBeyondThePickleAreRefusedWithoutAllocating() {
        byte[] huge = new PickleBuilder().proto(2).op('X').int32(0x7fffffff).stop().bytes();
        refused(archive(huge), "BINUNICODE (0x58) declares 2147483647 bytes");
        byte[] huge8 = new PickleBuilder().proto(4).op(0x8d).raw(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0x80}).stop()
                .bytes();
        refused(archive(huge8), "BINUNICODE8 (0x8d) declares 9223372036854775808 bytes");
        refused(archive(new PickleBuilder().proto(2).op('B').int32(-1).bytes()), "BINBYTES (0x42) declares 4294967295");
        refused(archive(new PickleBuilder().proto(2).op('T').int32(-5).bytes()), "BINSTRING (0x54) declares");
        refused(archive(new PickleBuilder().proto(4).op(0x95).raw(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0}).bytes()),
                "FRAME of 4294967295 bytes runs past the end");
    }

    /** The flooding pickles are megabytes; they go straight to the unpickler, skipping the zip round trip. */
    private void unpickleRefused(PickleBuilder pickle, String fragment) {
        BadInputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                BadInputException.class, () -> RestrictedUnpickler.unpickle(pickle.bytes(), tmp, "a/data.pkl")));
        assertTrue(e.getMessage().startsWith(tmp + ": ") && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void stackMemoAndMarkLimitsStopFloodingPickles() {
        PickleBuilder lists = new PickleBuilder().proto(2);
        for (int i = 0; i <= RestrictedUnpickler.MAX_STACK; i++) {
            lists.emptyList();
        }
        unpickleRefused(lists.stop(), "pickle stack deeper than " + RestrictedUnpickler.MAX_STACK);

        PickleBuilder marks = new PickleBuilder().proto(2);
        for (int i = 0; i <= RestrictedUnpickler.MAX_MARKS; i++) {
            marks.mark();
        }
        refused(archive(marks.stop().bytes()), "more than " + RestrictedUnpickler.MAX_MARKS + " nested MARKs");

        PickleBuilder memo = new PickleBuilder().proto(2).none();
        for (int i = 0; i <= RestrictedUnpickler.MAX_MEMO; i++) {
            memo.op('r').int32(i);
        }
        unpickleRefused(memo.stop(), "more than " + RestrictedUnpickler.MAX_MEMO + " memo entries");

        // Re-reading one memo entry over and over creates values without growing the pickle much.
        PickleBuilder values = new PickleBuilder().proto(2).emptyList().put();
        for (int i = 0; i <= RestrictedUnpickler.MAX_VALUES; i++) {
            values.get(0).append();
        }
        unpickleRefused(values.stop(), "creates more than " + RestrictedUnpickler.MAX_VALUES + " values");
    }

    @Test
    void selfContainingContainersOpenWithoutLooping() {
        // l = []; l.append(l); d = {'l': l, 'd': d}
        byte[] pickle = new PickleBuilder().proto(2).emptyDict().put().unicode("l").emptyList().put().get(1).append()
                .setitem().unicode("d").get(0).setitem().stop().bytes();
        try (TensorStore store = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> TorchZipStore.open(archive(pickle)))) {
            assertTrue(store.tensors().isEmpty());
        }
    }

    /**
     * An expanded tensor saved as is (one stored row seen as 20 million): every extent check passes, but
     * analysing it would cost 20 million rows for 16 stored bytes. Listed, but refused as a matrix.
     */
    @Test
    void overlappingViewsAreNotAnalysedAsMatrices() {
        // {shape, stride}: one row seen 20 million times; sliding windows of 4 over 8 elements; 2 of 4.
        long[][][] views = {{{20_000_000, 4}, {0, 1}}, {{5, 4}, {1, 1}}, {{3, 4}, {2, 1}}};
        for (long[][] view : views) {
            byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 8, 0, view[0], view[1]);
            byte[] bytes = new TorchArchiveBuilder("archive").pickle(pickle).storage("0", f32(new float[8])).build();
            Path file = write(bytes);
            try (TorchZipStore store = TorchZipStore.load(file)) {
                assertEquals(1, store.tensors().size());
                BadInputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                        BadInputException.class, () -> store.matrix("w")));
                assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("overlap"),
                        e.getMessage());
            }
        }
    }

    @Test
    void deepNestingAndNonScalarKeysAreRefused() {
        PickleBuilder deep = new PickleBuilder().proto(2);
        for (int i = 0; i < StateDictFlattener.MAX_DEPTH + 1; i++) {
            deep.emptyDict().unicode("k");
        }
        deep.none();
        for (int i = 0; i < StateDictFlattener.MAX_DEPTH + 1; i++) {
            deep.setitem();
        }
        refused(archive(deep.stop().bytes()), "nested deeper than " + StateDictFlattener.MAX_DEPTH);

        refused(archive(new PickleBuilder().proto(2).emptyDict().emptyList().none().setitem().stop().bytes()),
                "dict key is a list");
        PickleBuilder tupleKey = new PickleBuilder().proto(2).emptyDict().none();
        for (int i = 0; i < 40; i++) {
            tupleKey.tuple(1);
        }
        refused(archive(tupleKey.none().setitem().stop().bytes()), "dict key is a tuple of 1");
    }

    @Test
    void malformedPickleStructureIsRefused() {
        refused(archive(new PickleBuilder().proto(2).emptyDict().bytes()), "pickle ends without STOP");
        refused(archive(new PickleBuilder().proto(2).stop().bytes()), "pickle stack underflow");
        refused(archive(new PickleBuilder().proto(2).none().mark().setitem().stop().bytes()), "pickle pops across a MARK");
        refused(archive(new PickleBuilder().proto(2).emptyList().none().none().setitem().stop().bytes()),
                "SETITEM on a list, not a dict");
        refused(archive(new PickleBuilder().proto(2).get(7).stop().bytes()), "memo entry 7 is read before it is written");
        refused(archive(new PickleBuilder().proto(2).emptyDict().mark().none().setitems().stop().bytes()),
                "odd number of items");
        refused(archive(new PickleBuilder().proto(9).none().stop().bytes()), "pickle protocol 9");
        refused(archive(new PickleBuilder().proto(2).op('X').int32(2).raw((byte) 0xc3, (byte) 0x28).stop().bytes()),
                "not valid UTF-8");
        refused(archive(new PickleBuilder().proto(2).op('c').raw("torch\nFloat".getBytes(StandardCharsets.US_ASCII))
                .bytes()), "GLOBAL line has no end");
    }

    // ---- zip structure -------------------------------------------------------------------------------

    private byte[] validArchive() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 4, 0, new long[] {2, 2},
                new long[] {2, 1});
        return new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(1, 2, 3, 4)).build();
    }

    private static int eocd(byte[] zip) {
        return zip.length - 22;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void theValidArchiveOpens() {
        try (TorchZipStore store = TorchZipStore.load(write(validArchive()))) {
            assertEquals(4.0, store.values("w")[3]);
        }
    }

    @Test
    void corruptCentralDirectoryIsRefused() {
        byte[] zip = validArchive();
        int cd = le(zip).getInt(eocd(zip) + 16);

        byte[] badSignature = zip.clone();
        badSignature[cd] = 'X';
        refused(write(badSignature), "corrupt zip: central directory entry 0 of 4 is missing or damaged");

        byte[] offsetOutside = zip.clone();
        le(offsetOutside).putInt(eocd(zip) + 16, zip.length + 100);
        refused(write(offsetOutside), "corrupt zip: central directory", "lies outside the file");

        byte[] tooManyEntries = zip.clone();
        le(tooManyEntries).putShort(eocd(zip) + 8, (short) 9000).putShort(eocd(zip) + 10, (short) 9000);
        refused(write(tooManyEntries), "corrupt zip: end record claims 9000 entries");

        byte[] localOffsetWrong = zip.clone();
        le(localOffsetWrong).putInt(cd + 42, 7);
        refused(write(localOffsetWrong), "corrupt zip: no local header for entry a/data.pkl at byte 7");

        byte[] nameMismatch = zip.clone();
        nameMismatch[30] = 'b'; // the first local header's name: a/data.pkl -> b/data.pkl
        refused(write(nameMismatch), "local header of entry a/data.pkl names a different entry");

        byte[] sizeTooLarge = zip.clone();
        le(sizeTooLarge).putInt(cd + 20, 1 << 30).putInt(cd + 24, 1 << 30);
        refused(write(sizeTooLarge), "data of entry a/data.pkl", "runs past the data area");

        byte[] crc = zip.clone();
        le(crc).putInt(cd + 16, 12345);
        refused(write(crc), "zip entry a/data.pkl fails its CRC check");

        byte[] encrypted = zip.clone();
        le(encrypted).putShort(cd + 8, (short) 1);
        refused(write(encrypted), "entry a/data.pkl is encrypted");

        byte[] multiDisk = zip.clone();
        le(multiDisk).putShort(eocd(zip) + 4, (short) 1);
        refused(write(multiDisk), "multi-disk");
    }

    @Test
    void truncatedFilesAreRefusedAtEveryLength() {
        byte[] zip = validArchive();
        for (int length = 0; length < zip.length; length++) {
            Path file = write(Arrays.copyOf(zip, length));
            BadInputException e = assertThrows(BadInputException.class, () -> TorchZipStore.open(file).close(),
                    "truncated to " + length);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            try {
                Files.delete(file);
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    @Test
    void truncatedRealCheckpointIsRefused() throws IOException {
        byte[] real = Files.readAllBytes(Fixtures.checkpoint("torch-bin").resolve("tiny_gpt2.bin"));
        for (int length : new int[] {0, 3, 4, 100, 5000, real.length / 2, real.length - 23, real.length - 1}) {
            refused(write(Arrays.copyOf(real, length)));
        }
    }

    @Test
    void zip64RecordsAreValidated() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 4, 0, new long[] {2, 2},
                new long[] {2, 1});
        byte[] zip = new TorchArchiveBuilder("a").pickle(pickle).storage("0", f32(1, 2, 3, 4)).zip64().build();
        int locator = zip.length - 22 - 20;
        assertEquals(0x07064b50, le(zip).getInt(locator));

        byte[] pointsOutside = zip.clone();
        le(pointsOutside).putLong(locator + 8, zip.length * 2L);
        refused(write(pointsOutside), "corrupt zip: ZIP64 locator points to byte " + zip.length * 2L);

        byte[] wrongRecord = zip.clone();
        long record = le(zip).getLong(locator + 8);
        wrongRecord[(int) record] = 0;
        refused(write(wrongRecord), "no ZIP64 end record where the locator points");

        byte[] hugeCount = zip.clone();
        le(hugeCount).putLong((int) record + 24, 1L << 40).putLong((int) record + 32, 1L << 40);
        refused(write(hugeCount), "end record claims 1099511627776 entries");

        byte[] negativeSize = zip.clone();
        le(negativeSize).putLong((int) record + 40, -1L);
        refused(write(negativeSize), "central directory (18446744073709551615 bytes");

        // A central entry whose ZIP64 extra field is missing the offset it promises.
        byte[] shortExtra = zip.clone();
        int cd = (int) le(zip).getLong((int) record + 48);
        le(shortExtra).putShort(cd + 46 + "a/data.pkl".length() + 2, (short) 16);
        refused(write(shortExtra), "corrupt zip: entry a/data.pkl has");
    }

    @Test
    void zipBombsFailFast() {
        // A deflated data.pkl that declares 4 GiB (in ZIP64 form) is refused before anything is inflated.
        byte[] small = new PickleBuilder().proto(2).emptyDict().stop().bytes();
        byte[] declared4g = new ZipBuilder().deflatedDeclaring("a/data.pkl", small, 4L << 30).zip64().build();
        refused(write(declared4g), "zip entry a/data.pkl declares 4294967296 bytes, over the 67108864-byte limit");

        // One that declares 1 KiB but inflates to 256 KiB stops at the declared size.
        byte[] lies = new ZipBuilder().deflatedDeclaring("a/data.pkl", new byte[256 << 10], 1024).build();
        refused(write(lies), "inflates past the 1024 bytes it declares (a zip bomb?)");

        // One whose compressed bytes alone exceed what its declared size could need is refused unread.
        byte[] zeros = new byte[16 << 20];
        byte[] bomb = new ZipBuilder().deflatedDeclaring("a/data.pkl", zeros, 1024).build();
        assertTrue(bomb.length < 100_000, "the bomb itself is small");
        refused(write(bomb), "compressed bytes for 1024 declared");

        // One that declares more than the pickle cap (and would really inflate to it) is refused unread.
        byte[] big = new ZipBuilder().deflatedDeclaring("a/data.pkl", zeros, TorchZipStore.MAX_PICKLE_BYTES + 1).build();
        refused(write(big), "declares 67108865 bytes, over the 67108864-byte limit");

        // A deflated pickle that is honest is fine.
        byte[] honest = new ZipBuilder().deflated("a/data.pkl", small).build();
        try (TensorStore store = TorchZipStore.open(write(honest))) {
            assertTrue(store.tensors().isEmpty());
        }
        byte[] shortStream = new ZipBuilder().deflatedDeclaring("a/data.pkl", small, small.length + 10).build();
        refused(write(shortStream), "zip entry a/data.pkl inflates to 4 bytes, not the 14 it declares");
    }

    // ---- other formats -------------------------------------------------------------------------------

    @Test
    void legacyFormatIsRefusedWithHowToConvert() {
        // PyTorch < 1.6: pickled magic number, protocol version, sys info, then the object and raw storages.
        byte[] legacy = new PickleBuilder().proto(2).raw((byte) 0x8a, (byte) 0x0a, (byte) 0x6c, (byte) 0xfc,
                (byte) 0x9c, (byte) 0x46, (byte) 0xf9, (byte) 0x20, (byte) 0x6a, (byte) 0xa8, (byte) 0x50, (byte) 0x19)
                .stop().proto(2).integer(1001).stop().bytes();
        String reason = refused(write(legacy), "legacy PyTorch serialization (PyTorch < 1.6", "torch.save",
                "safetensors");
        assertTrue(reason.contains("convert"), reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"__metadata__\":{}}", "hello, world", "GIF89a"})
    void nonZipFilesAreNotPyTorchCheckpoints(String content) {
        refused(write(content.getBytes(StandardCharsets.US_ASCII)), "not a PyTorch zip checkpoint (starts with");
    }

    @Test
    void emptyFilesBarePicklesAndOtherZipsAreRefused() {
        refused(write(new byte[0]), "not a PyTorch zip checkpoint (empty file)");
        refused(write(new PickleBuilder().proto(2).emptyDict().stop().bytes()), "not a PyTorch zip checkpoint: a bare pickle");
        refused(write(new ZipBuilder().stored("README.txt", new byte[] {'h', 'i'}).build()),
                "a zip without <archive>/data.pkl");
        refused(write(new ZipBuilder().stored("a/data.pkl", new byte[] {'.'}).stored("b/data.pkl", new byte[] {'.'})
                .build()), "several data.pkl entries");
        refused(write(new ZipBuilder().stored("m/data.pkl", new byte[] {'.'}).stored("m/constants.pkl", new byte[0])
                .stored("m/code/__torch__.py", new byte[0]).build()), "a TorchScript archive (torch.jit.save)");
        refused(tmp.resolve("absent.bin"), "no such file");
        refused(tmp, "cannot read");
    }
}
