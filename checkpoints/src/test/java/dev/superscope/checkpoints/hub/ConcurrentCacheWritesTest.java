package dev.superscope.checkpoints.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two threads of one process replacing the same cache file at once (a ref, a blob, {@code header.bin},
 * {@code zip-ranges.bin}): each write goes through its own temporary file, so neither fails, the file
 * ends up holding one of the two contents whole, and no temporary file is left behind.
 */
class ConcurrentCacheWritesTest {
    private static final int ROUNDS = 200;
    private static final String COMMIT_A = "a".repeat(40);
    private static final String COMMIT_B = "b".repeat(40);

    @TempDir
    Path tmp;

    /** Runs {@code write.accept(thread)} in two threads, released together each round by a barrier. */
    private static void race(java.util.function.IntConsumer write) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(2);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = Stream.of(0, 1).map(id -> new Thread(() -> {
            for (int round = 0; round < ROUNDS && failures.isEmpty(); round++) {
                try {
                    start.await();
                    write.accept(id);
                } catch (InterruptedException | BrokenBarrierException e) {
                    return;
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                    start.reset(); // the other thread must not wait for a partner that stopped
                }
            }
        })).toList();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), "a concurrent replace failed: " + failures);
    }

    @Test
    void twoThreadsWritingOneRefBothSucceed() throws Exception {
        SnapshotWriter writer = new SnapshotWriter(new HuggingFaceCache(tmp.resolve("hub")));
        race(id -> writer.writeRef("org/m", "main", id == 0 ? COMMIT_A : COMMIT_B));
        Path ref = tmp.resolve("hub/models--org--m/refs/main");
        assertTrue(Set.of(COMMIT_A, COMMIT_B).contains(Files.readString(ref)));
        assertHoldsExactly(ref.getParent(), "main");
    }

    @Test
    void twoThreadsWritingOneBlobBothSucceed() throws Exception {
        SnapshotWriter writer = new SnapshotWriter(new HuggingFaceCache(tmp.resolve("hub")));
        byte[] config = "{\"model_type\": \"gpt2\"}".getBytes(StandardCharsets.UTF_8);
        race(id -> writer.writeFile("org/m", COMMIT_A, "config.json", config, null, false));
        Path link = tmp.resolve("hub/models--org--m/snapshots").resolve(COMMIT_A).resolve("config.json");
        assertArrayEquals(config, Files.readAllBytes(link));
        // One blob, the one the snapshot links to, and nothing else (no temporary file of either thread).
        assertHoldsExactly(tmp.resolve("hub/models--org--m/blobs"), link.toRealPath().getFileName().toString());
    }

    @Test
    void twoThreadsStoringOneHeaderAndOneRangeFileBothSucceed() throws Exception {
        TensorCache cache = new TensorCache(tmp.resolve("ss"));
        RemoteFile file = new RemoteFile(HubId.parse("org/m").orElseThrow(), COMMIT_A, "model.safetensors");
        byte[][] heads = {new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7}};
        race(id -> {
            cache.storeHead(file, new TensorCache.Head(100 + id, heads[id]));
            java.util.TreeMap<Long, byte[]> ranges = new java.util.TreeMap<>();
            ranges.put(0L, heads[id]);
            cache.storeRanges(file, new TensorCache.Ranges(100 + id, ranges));
        });
        TensorCache.Head head = cache.head(file).orElseThrow();
        assertArrayEquals(heads[(int) head.fileSize() - 100], head.bytes());
        TensorCache.Ranges ranges = cache.ranges(file).orElseThrow();
        assertArrayEquals(heads[(int) ranges.fileSize() - 100], ranges.bytes().get(0L));
        assertHoldsExactly(cache.directory(file), "header.bin", TensorCache.RANGES_FILE);
    }

    /** {@code dir} holds exactly the files {@code expected}: the finished files, no temporary one left. */
    private static void assertHoldsExactly(Path dir, String... expected) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".incomplete")),
                    "temporary files left: " + names);
            assertEquals(Stream.of(expected).sorted().toList(), names);
        }
    }
}
