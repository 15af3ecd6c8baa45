package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {

    @TempDir
    Path dir;

    private static final ModelResult A_HEAD = Rows.row("org/a", "f", "unembedding", 64, "msq_overlap", 0.02);
    private static final ModelResult A_EMB = Rows.row("org/a", "f", "embedding", 64, "msq_overlap", 0.03);
    private static final ModelResult B_HEAD = Rows.row("org/b", "f", "unembedding", 128, "msq_overlap", 0.01);

    @Test
    void aReopenedStoreSeesEveryFinishedModelAndResumes() {
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertFalse(store.isComplete("org/a", "unembedding"));
            store.putAll(List.of(A_HEAD, A_EMB));
            assertTrue(store.isComplete("org/a", "unembedding"));
            // The file is rewritten after each model: what a killed run leaves is readable.
            assertEquals(2, ModelsCsv.read(store.modelsCsv()).size());
        }
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertTrue(store.isComplete("org/a", "unembedding"));
            assertTrue(store.isComplete("org/a", "embedding"));
            assertFalse(store.isComplete("org/b", "unembedding"));
            assertEquals(0.02, store.get("org/a", "unembedding").orElseThrow().metric("msq_overlap"));
            store.put(B_HEAD);
            assertEquals(List.of("org/a", "org/a", "org/b"), store.results().stream().map(ModelResult::model).toList());
        }
        List<ModelResult> onDisk = ModelsCsv.read(dir.resolve("models.csv"));
        assertEquals(3, onDisk.size());
        assertEquals(0.01, onDisk.get(2).metric("msq_overlap"));
    }

    @Test
    void aModelMissingARequiredMetricIsNotComplete() {
        try (ResultStore store = ResultStore.open(dir, false)) {
            store.put(A_HEAD);
            assertTrue(store.isComplete("org/a", "unembedding", List.of("msq_overlap")));
            assertFalse(store.isComplete("org/a", "unembedding", List.of("msq_overlap", "decode_error_rate")));
        }
    }

    @Test
    void forceRecomputesAndReplacesInPlaceKeepingOtherModels() {
        try (ResultStore store = ResultStore.open(dir, false)) {
            store.putAll(List.of(A_HEAD, B_HEAD));
        }
        try (ResultStore store = ResultStore.open(dir, true)) {
            assertTrue(store.force());
            assertFalse(store.isComplete("org/a", "unembedding"), "with --force nothing old counts as done");
            store.put(Rows.row("org/a", "f", "unembedding", 64, "msq_overlap", 0.5));
            assertTrue(store.isComplete("org/a", "unembedding"), "recomputed in this run");
            assertFalse(store.isComplete("org/b", "unembedding"));
        }
        List<ModelResult> onDisk = ModelsCsv.read(dir.resolve("models.csv"));
        assertEquals(List.of("org/a", "org/b"), onDisk.stream().map(ModelResult::model).toList());
        assertEquals(0.5, onDisk.get(0).metric("msq_overlap"));
        assertEquals(0.01, onDisk.get(1).metric("msq_overlap"));
    }

    @Test
    void aSecondStoreOnTheSameDirectoryFailsWithAClearMessage() {
        try (ResultStore first = ResultStore.open(dir, false)) {
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> ResultStore.open(dir, false));
            String pid = Long.toString(ProcessHandle.current().pid());
            assertEquals("another superscope run (pid " + pid + ") is writing to " + first.directory()
                    + "; wait for it or choose another --out (delete " + first.directory().resolve(".superscope.lock")
                    + " if that process is not superscope)", e.getMessage());
            assertEquals(1, e.exitCode());
            first.put(A_HEAD); // the first store is unaffected
        }
        // Released on close.
        assertFalse(Files.exists(dir.resolve(".superscope.lock")));
        try (ResultStore again = ResultStore.open(dir, false)) {
            assertTrue(again.isComplete("org/a", "unembedding"));
            assertEquals(List.of(), again.notes());
        }
    }

    @Test
    void onlyOneOfSeveralConcurrentOpensWins() throws Exception {
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ResultStore>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                try {
                    return ResultStore.open(dir, false);
                } catch (SuperscopeException e) {
                    return null;
                }
            }));
        }
        start.countDown();
        List<ResultStore> opened = new ArrayList<>();
        for (Future<ResultStore> f : futures) {
            ResultStore s = f.get(30, TimeUnit.SECONDS);
            if (s != null) {
                opened.add(s);
            }
        }
        pool.shutdown();
        assertEquals(1, opened.size());
        opened.get(0).close();
    }

    @Test
    void aLockLeftByADeadProcessIsTakenOverWithANote() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long deadPid = p.pid();
        assertTrue(ProcessHandle.of(deadPid).isEmpty(), "the child has exited");
        Files.writeString(dir.resolve(".superscope.lock"), deadPid + "\n\n");
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertEquals(List.of("took over a stale lock in " + store.directory() + " left by pid " + deadPid
                    + ", which is no longer running"), store.notes());
            assertEquals(Long.toString(ProcessHandle.current().pid()),
                    Files.readAllLines(dir.resolve(".superscope.lock")).get(0));
        }
        assertFalse(Files.exists(dir.resolve(".superscope.lock")));
    }

    @Test
    void aLockWhosePidWasReusedIsStale() throws IOException {
        // Our own pid, but a start time that is not ours: the owner died and the pid was given to us.
        Files.writeString(dir.resolve(".superscope.lock"),
                ProcessHandle.current().pid() + "\n" + Instant.parse("2001-01-01T00:00:00Z") + "\n");
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertEquals(1, store.notes().size());
            assertTrue(store.notes().get(0).startsWith("took over a stale lock"));
        }
    }

    @Test
    void unreadableAndFreshEmptyLocksAreNotTakenOver() throws IOException {
        Path lock = dir.resolve(".superscope.lock");
        Files.writeString(lock, "hello\n");
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> ResultStore.open(dir, false));
        assertTrue(e.getMessage().contains("not a Superscope lock file"), e.getMessage());

        Files.writeString(lock, "");
        e = assertThrows(SuperscopeException.class, () -> ResultStore.open(dir, false));
        assertTrue(e.getMessage().contains("another superscope run is starting"), e.getMessage());

        // An empty lock that has been there a while was left by a crash.
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(3600)));
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertEquals(List.of("took over an empty lock file in " + store.directory()), store.notes());
        }
    }

    @Test
    void temporaryFilesOfAKilledRunAreRemoved() throws IOException {
        Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(dir.resolve(".superscope-models.csv-123.tmp"), "half");
        Files.writeString(dir.resolve("tokens/.superscope-a.csv-9.tmp"), "half");
        Files.writeString(dir.resolve("notes.tmp"), "not ours");
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertEquals(List.of("removed 2 temporary file(s) an interrupted run left in " + store.directory()),
                    store.notes());
        }
        assertFalse(Files.exists(dir.resolve(".superscope-models.csv-123.tmp")));
        assertFalse(Files.exists(dir.resolve("tokens/.superscope-a.csv-9.tmp")));
        assertTrue(Files.exists(dir.resolve("notes.tmp")));
    }

    @Test
    void aBrokenModelsCsvIsBadInputAndReleasesTheLock() throws IOException {
        Files.writeString(dir.resolve("models.csv"), "not,a,models,file\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ResultStore.open(dir, false));
        assertTrue(e.getMessage().contains("models.csv: not a models.csv: missing column(s)"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(".superscope.lock")));
    }

    @Test
    void anOutputPathThatIsAFileIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> ResultStore.open(file, false));
        assertEquals(SuperscopeException.USAGE, e.exitCode());
        assertTrue(e.getMessage().endsWith("is not a directory"));
    }

    @Test
    void theStoreCreatesTheDirectoryAndRejectsUseAfterClose() {
        Path out = dir.resolve("new/out");
        ResultStore store = ResultStore.open(out, false);
        assertTrue(Files.isDirectory(out));
        assertEquals(Optional.empty(), store.get("x", "unembedding"));
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.put(A_HEAD));
    }
}
