package dev.superscope.plugins.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFilesTest {
    private static final Duration GUARD = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aRegularFileWithinItsLimitIsRead() throws IOException {
        Path f = Files.write(dir.resolve("ref"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, SmallFiles.read(f, 3));
        assertThrows(NoSuchFileException.class, () -> SmallFiles.read(dir.resolve("absent"), 10));
    }

    @Test
    void aLargerFileIsRefused() throws IOException {
        Path f = Files.write(dir.resolve("big"), new byte[11]);
        SmallFiles.RefusedFileException e = assertThrows(SmallFiles.RefusedFileException.class,
                () -> SmallFiles.read(f, 10));
        assertTrue(e.getMessage().contains("more than 10 bytes"), e.getMessage());
    }

    /** A file that says it is empty but is not (as /proc files do) is still cut off at the limit. */
    @Test
    void theLimitHoldsWhateverTheFileClaims() throws IOException {
        Path proc = Path.of("/proc/self/maps");
        Assumptions.assumeTrue(Files.isReadable(proc) && Files.size(proc) == 0, "needs a /proc file of size 0");
        assertThrows(SmallFiles.RefusedFileException.class, () -> SmallFiles.read(proc, 16));
        try (InputStream in = SmallFiles.open(proc, 16)) {
            assertThrows(SmallFiles.RefusedFileException.class, in::readAllBytes);
        }
    }

    @Test
    void aLinkToDevZeroIsRefusedWithoutReading() throws IOException {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "needs /dev/zero");
        Path link = Files.createSymbolicLink(dir.resolve("models.csv"), zero);
        SmallFiles.RefusedFileException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(
                SmallFiles.RefusedFileException.class, () -> SmallFiles.read(link, 1 << 20)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("models.csv");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException noMkfifo) {
            Assumptions.abort("needs mkfifo");
            return;
        }
        Assumptions.assumeTrue(mkfifo.waitFor(20, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        assertTimeoutPreemptively(GUARD, () -> assertThrows(SmallFiles.RefusedFileException.class,
                () -> SmallFiles.read(fifo, 100)));
        assertTimeoutPreemptively(GUARD, () -> assertThrows(SmallFiles.RefusedFileException.class,
                () -> SmallFiles.read(dir, 100)), "a directory");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
