package dev.superscope.checkpoints.torch;

import static dev.superscope.checkpoints.torch.TorchArchiveBuilder.f32;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the zip reader and the unpickler: every mutated file either opens (and
 * then every tensor can be listed and read) or is refused with a {@link BadInputException}. Nothing
 * else may escape, and nothing may hang.
 */
class TorchFuzzTest {
    /** Fixed so a failure reproduces; {@code -Dsuperscope.fuzz.seed=N} explores other mutations. */
    private static final long SEED = Long.getLong("superscope.fuzz.seed", 0x5eed_70c4L);
    private static final int ZIP_CASES = 700;
    private static final int REBUILT_CASES = 700;
    private static final int PICKLE_CASES = 600;

    @TempDir
    Path tmp;

    private final Random random = new Random(SEED);
    private int opened;
    private int refused;

    /** A seed archive: its bytes, and its pickle and storages so it can be rebuilt around a mutated pickle. */
    private record Seed(String name, byte[] zip, String prefix, byte[] pickle, Map<String, byte[]> storages) {
    }

    private List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        Path fixtures = Fixtures.root().resolve("checkpoints");
        for (Path p : List.of(fixtures.resolve("torch-bin/tiny_torch_state.bin"),
                fixtures.resolve("torch-bin/evil_torch.bin"), fixtures.resolve("candle-pt/fortran_tensor_3d.pth"),
                fixtures.resolve("candle-pt/boolean.pt"), fixtures.resolve("candle-pt/test_with_key.pt"),
                fixtures.resolve("candle-pt/config.pt"))) {
            seeds.add(seedOf(p.getFileName().toString(), Files.readAllBytes(p)));
        }
        byte[] strided = TorchArchiveBuilder.oneTensorPickle("t", "FloatStorage", 12, 1, new long[] {3, 3},
                new long[] {1, 3});
        seeds.add(seedOf("strided", new TorchArchiveBuilder("s").pickle(strided).storage("0", f32(new float[12])).build()));
        seeds.add(seedOf("zip64", new TorchArchiveBuilder("z").pickle(strided).storage("0", f32(new float[12])).zip64()
                .build()));
        // Shapes that once made the reader run for ever: shared structure through the memo.
        seeds.add(seedOf("dag-key", new TorchArchiveBuilder("k").pickle(HostilePickles.tupleDagKey(30))
                .storage("0", f32(new float[4])).build()));
        seeds.add(seedOf("dag-value", new TorchArchiveBuilder("v").pickle(HostilePickles.containerDagValue(30))
                .storage("0", f32(new float[4])).build()));
        // A stride-0 view: one stored row seen as 20 million (an expanded tensor saved as is).
        byte[] expanded = TorchArchiveBuilder.oneTensorPickle("e", "FloatStorage", 4, 0, new long[] {20_000_000, 4},
                new long[] {0, 1});
        seeds.add(seedOf("stride-0", new TorchArchiveBuilder("e").pickle(expanded).storage("0", f32(new float[4]))
                .build()));
        return seeds;
    }

    /** Splits a valid archive into its parts with the reader under test (the seeds are known good). */
    private Seed seedOf(String name, byte[] zip) {
        Path file = write("seed-" + name, zip);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ZipArchive archive = ZipArchive.read(ch, file);
            String prefix = null;
            byte[] pickle = null;
            Map<String, byte[]> storages = new LinkedHashMap<>();
            for (ZipArchive.Entry e : archive.entries()) {
                if (e.name().endsWith("/data.pkl")) {
                    prefix = e.name().substring(0, e.name().indexOf('/'));
                    pickle = archive.readSmall(e, 1 << 20);
                } else if (e.name().contains("/data/")) {
                    storages.put(e.name().substring(e.name().lastIndexOf('/') + 1), archive.readSmall(e, 1 << 20));
                }
            }
            return new Seed(name, zip, prefix, pickle, storages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mutatedArchivesOpenOrAreRefused() throws Exception {
        List<Seed> seeds = seeds();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < ZIP_CASES; i++) {
                Seed seed = seeds.get(random.nextInt(seeds.size()));
                byte[] mutated = mutate(seed.zip());
                check("zip case " + i + " of " + seed.name(), mutated);
            }
            for (int i = 0; i < REBUILT_CASES; i++) {
                Seed seed = seeds.get(random.nextInt(seeds.size()));
                TorchArchiveBuilder b = new TorchArchiveBuilder(seed.prefix()).pickle(mutatePickle(seed.pickle()));
                seed.storages().forEach(b::storage);
                check("rebuilt case " + i + " of " + seed.name(), b.build());
            }
            for (int i = 0; i < PICKLE_CASES; i++) {
                Seed seed = seeds.get(random.nextInt(seeds.size()));
                byte[] pickle = mutatePickle(seed.pickle());
                try {
                    PickleBudget budget = PickleBudget.forPickle(tmp, pickle.length);
                    StateDictFlattener.flatten(RestrictedUnpickler.unpickle(pickle, tmp, "fuzz/data.pkl", budget), tmp,
                            budget);
                    opened++;
                } catch (BadInputException expected) {
                    refused++;
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    fail("pickle case " + i + " of " + seed.name() + " (seed " + SEED + ") threw " + e, e);
                }
            }
        });
        // Both outcomes must actually occur, or the mutations are too weak (or too strong) to test anything.
        assertTrue(opened > 200 && refused > 500, "opened " + opened + ", refused " + refused);
        System.out.println("torch fuzz seed " + SEED + ": " + opened + " opened, " + refused + " refused");
    }

    private void check(String label, byte[] bytes) {
        Path file = write("case", bytes);
        try (TorchZipStore store = TorchZipStore.load(file)) {
            exercise(store);
            opened++;
        } catch (BadInputException expected) {
            assertTrue(expected.getMessage().startsWith(file.toString()) && !expected.getMessage().contains("\n"),
                    label + ": " + expected.getMessage());
            refused++;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            fail(label + " (seed " + SEED + ") threw " + e, e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads everything an opened store offers, as a caller would; only BadInputException may come out. */
    private static void exercise(TorchZipStore store) {
        for (TensorInfo t : store.tensors()) {
            store.layout(t.name()).orElseThrow();
            try {
                if (t.elementCount() <= 1 << 16) {
                    store.values(t.name());
                }
                Matrix m = store.matrix(t.name());
                if (m.rows() * (long) m.cols() <= 1 << 16) {
                    m.rowsAsFloats(0, (int) m.rows());
                } else if (m.rows() > 0 && m.cols() <= 1 << 16) {
                    m.rowsAsFloats(m.rows() - 1, 1);
                }
            } catch (BadInputException refusedTensor) {
                // a dtype or rank that cannot be read is a per-tensor refusal, fine
            }
        }
    }

    /**
     * Half the time changes the operand of a small-int opcode (BININT1 'K'), which keeps the pickle
     * well-formed but alters a shape, stride, offset or numel, so the tensor bounds checks and strided
     * reads see many valid-looking variants; otherwise a generic mutation.
     */
    private byte[] mutatePickle(byte[] original) {
        if (random.nextBoolean()) {
            return mutate(original);
        }
        byte[] b = original.clone();
        List<Integer> operands = new ArrayList<>();
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == 'K') {
                operands.add(i + 1);
            }
        }
        if (operands.isEmpty()) {
            return mutate(original);
        }
        int at = operands.get(random.nextInt(operands.size()));
        int[] choices = {0, 1, 2, 3, 4, 5, 7, 8, 12, 16, 24, 255, random.nextInt(256)};
        b[at] = (byte) choices[random.nextInt(choices.length)];
        return b;
    }

    private byte[] mutate(byte[] original) {
        byte[] b = original.clone();
        int kind = random.nextInt(6);
        switch (kind) {
            case 0 -> { // flip a few bytes
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n && b.length > 0; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> { // overwrite a 2-, 4- or 8-byte field with an extreme value
                int width = new int[] {2, 4, 8}[random.nextInt(3)];
                if (b.length >= width) {
                    long[] extremes = {0, -1, 1, 0x7fffffffL, 0x80000000L, 0xffffL, Long.MAX_VALUE, random.nextLong()};
                    long v = extremes[random.nextInt(extremes.length)];
                    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    int at = random.nextInt(b.length - width + 1);
                    switch (width) {
                        case 2 -> bb.putShort(at, (short) v);
                        case 4 -> bb.putInt(at, (int) v);
                        default -> bb.putLong(at, v);
                    }
                }
            }
            case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
            case 3 -> { // delete a range
                if (b.length > 1) {
                    int from = random.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + random.nextInt(16));
                    byte[] out = new byte[b.length - (to - from)];
                    System.arraycopy(b, 0, out, 0, from);
                    System.arraycopy(b, to, out, from, b.length - to);
                    b = out;
                }
            }
            case 4 -> { // insert random bytes
                int at = random.nextInt(b.length + 1);
                byte[] ins = new byte[1 + random.nextInt(8)];
                random.nextBytes(ins);
                byte[] out = new byte[b.length + ins.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(b, at, out, at + ins.length, b.length - at);
                b = out;
            }
            default -> { // duplicate a range elsewhere (repeats opcodes, nests containers)
                if (b.length > 2) {
                    int from = random.nextInt(b.length - 1);
                    int len = 1 + random.nextInt(Math.min(32, b.length - from));
                    int at = random.nextInt(b.length + 1);
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, from, out, at, len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(tmp.resolve(name + ".bin"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
