package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What may sit under a familiar name in --out: a FIFO (which blocks whoever opens it), a link to
 * /dev/zero (which never ends), a huge file. Resuming reads only small regular files, so each is refused
 * within seconds instead of hanging the run or filling its heap; and a lock that cannot be written whole
 * (a full disk) leaves no empty lock behind to block the next run.
 */
class OutputDirectoryFilesTest {
    private static final Duration GUARD = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", path.toString()).start();
        } catch (IOException noMkfifo) {
            Assumptions.abort("needs mkfifo");
            return;
        }
        Assumptions.assumeTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
    }

    private static void linkToDevZero(Path path) throws IOException {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        Files.createSymbolicLink(path, Path.of("/dev/zero"));
    }

    /** The refusal is one line, exit 3, and the lock is released with it. */
    private void modelsCsvIsRefused(String reason) throws IOException {
        BadInputException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(BadInputException.class,
                () -> ResultStore.open(dir, false)));
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith(dir.resolve("models.csv") + ": ") && e.getMessage().contains(reason)
                && !e.getMessage().contains("\n"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(OutputLock.FILE_NAME)), "the lock was released");
        Files.delete(dir.resolve("models.csv"));
        try (ResultStore store = ResultStore.open(dir, false)) {
            assertTrue(store.results().isEmpty());
        }
    }

    @Test
    void aModelsCsvThatIsAFifoIsRefused() throws Exception {
        mkfifo(dir.resolve("models.csv"));
        modelsCsvIsRefused("not a regular file");
    }

    @Test
    void aModelsCsvLinkedToDevZeroIsRefused() throws IOException {
        linkToDevZero(dir.resolve("models.csv"));
        modelsCsvIsRefused("not a regular file");
    }

    @Test
    void aModelsCsvLargerThanAnyRealOneIsRefusedUnread() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("models.csv").toFile(), "rw")) {
            f.setLength(ModelsCsv.MAX_BYTES + 1); // sparse: no disk used, and it must not be read
        }
        modelsCsvIsRefused("more than " + ModelsCsv.MAX_BYTES + " bytes");
    }

    @Test
    void aLockFileThatIsAFifoOrALinkToDevZeroIsRefused() throws Exception {
        Path lock = dir.resolve(OutputLock.FILE_NAME);
        mkfifo(lock);
        SuperscopeException fifo = assertTimeoutPreemptively(GUARD, () -> assertThrows(SuperscopeException.class,
                () -> ResultStore.open(dir, false)));
        assertTrue(fifo.getMessage().contains("not a regular file") && fifo.getMessage().contains("remove it"),
                fifo.getMessage());
        Files.delete(lock);
        linkToDevZero(lock);
        SuperscopeException zero = assertTimeoutPreemptively(GUARD, () -> assertThrows(SuperscopeException.class,
                () -> ResultStore.open(dir, false)));
        assertTrue(zero.getMessage().contains("not a regular file"), zero.getMessage());
    }

    /**
     * A run that cannot write its lock (here: a file-size limit of 0, which fails every write as a full
     * disk does) fails, and leaves no lock: the next run starts at once instead of seeing "another run is
     * starting" for ten seconds.
     */
    @Test
    void aLockThatCannotBeWrittenLeavesNoEmptyLock() throws Exception {
        Path bash = Path.of("/bin/bash");
        Assumptions.assumeTrue(Files.isExecutable(bash), "needs bash for ulimit");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // SIGXFSZ ignored, so an oversized write fails with an error instead of killing the process.
        String command = "trap '' XFSZ; ulimit -f 0; exec \"$0\" -XX:-UsePerfData -Xshare:off -cp \"$1\" "
                + LockHolderWithFullDisk.class.getName() + " \"$2\"";
        Process child = new ProcessBuilder(bash.toString(), "-c", command, java, System.getProperty("java.class.path"),
                dir.toString()).redirectErrorStream(true).start();
        String said = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        Assumptions.assumeFalse(said.contains("locked"), "the file-size limit did not stop the write: " + said);
        assertTrue(said.contains("failed:") && said.contains("lock"), said);
        assertFalse(Files.exists(dir.resolve(OutputLock.FILE_NAME)), "no empty lock left: " + said);
        try (ResultStore store = assertTimeoutPreemptively(GUARD, () -> ResultStore.open(dir, false))) {
            assertTrue(store.notes().isEmpty(), store.notes().toString());
        }
    }
}
