package dev.superscope.plugins.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesTheContentAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("sub/dir/out.txt");
        AtomicFiles.writeText(file, w -> w.write("caf\u00e9 \ud83d\ude00\n"));
        assertEquals("caf\u00e9 \ud83d\ude00\n", Files.readString(file));
        AtomicFiles.write(file, "second".getBytes(StandardCharsets.UTF_8));
        assertEquals("second", Files.readString(file));
        assertEquals(List.of(file), allFiles());
    }

    @Test
    void theFileGetsOrdinaryPermissionsNotThoseOfAPrivateTempFile() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions only");
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        Path report = dir.resolve("report.csv");
        AtomicFiles.writeText(report, w -> w.write("x"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(report));
    }

    @Test
    void aLoneSurrogateIsReplacedNotFatal() throws IOException {
        Path file = dir.resolve("t.txt");
        AtomicFiles.writeText(file, w -> w.write("a\ud800b"));
        assertEquals("a?b", Files.readString(file));
    }

    @Test
    void aFailureMidWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("models.csv");
        Files.writeString(file, "previous content");
        RuntimeException crash = new IllegalStateException("analyzer crashed");
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> AtomicFiles.writeText(file, w -> {
            w.write("half a table...");
            w.flush();
            throw crash;
        }));
        assertEquals(crash, thrown);
        IOException full = assertThrows(IOException.class, () -> AtomicFiles.writeStream(file, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("IOException No space left on device", AtomicFiles.describe(full));
        assertEquals("previous content", Files.readString(file));
        assertEquals(List.of(file), allFiles());
    }

    @Test
    void aDirectoryInTheWayFailsAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("models.csv");
        Files.createDirectories(target.resolve("child"));
        assertThrows(IOException.class, () -> AtomicFiles.writeText(target, w -> w.write("x")));
        assertTrue(Files.isDirectory(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(AtomicFiles::isTempFile));
        }
    }

    /** Two writers of one file, both in the middle of writing at once: each has its own temporary file. */
    @Test
    void twoWritersOfOneFileAtOnceBothSucceed() throws Exception {
        Path file = dir.resolve("refs/main");
        CountDownLatch bothWriting = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writes = Stream.of("a".repeat(40), "b".repeat(40)).<Future<?>>map(content ->
                    pool.submit(() -> {
                        AtomicFiles.writeStream(file, out -> {
                            out.write(content.getBytes(StandardCharsets.US_ASCII), 0, 20);
                            bothWriting.countDown();
                            try {
                                bothWriting.await(); // the other writer has its temporary file open too
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                            out.write(content.getBytes(StandardCharsets.US_ASCII), 20, 20);
                        });
                        return null;
                    })).toList();
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        String content = Files.readString(file);
        assertTrue(content.equals("a".repeat(40)) || content.equals("b".repeat(40)), content);
        assertEquals(List.of(file), allFiles());
    }

    @Test
    void createNewWritesOnceAndNeverLeavesAnEmptyFile() throws IOException {
        Path lock = dir.resolve(".lock");
        assertTrue(AtomicFiles.createNew(lock, "123\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(AtomicFiles.createNew(lock, "456\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("123\n", Files.readString(lock));
        assertEquals(List.of(lock), allFiles());
    }

    @Test
    void aSymbolicLinkReplacesWhatWasThere() throws IOException {
        Path blob = Files.writeString(Files.createDirectories(dir.resolve("blobs")).resolve("abc"), "content");
        Path link = dir.resolve("snapshots/c/config.json");
        Files.createDirectories(link.getParent());
        Files.writeString(link, "stale copy");
        AtomicFiles.replaceWithSymbolicLink(link, link.getParent().relativize(blob));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("content", Files.readString(link));
        AtomicFiles.replaceWithSymbolicLink(link, link.getParent().relativize(blob));
        assertEquals("content", Files.readString(link));
    }

    @Test
    void temporaryNamesAreRecognisedAndBounded() {
        assertTrue(AtomicFiles.isTempFile(Path.of(".superscope-models.csv-1a2b.tmp")));
        assertFalse(AtomicFiles.isTempFile(Path.of("models.csv")));
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
