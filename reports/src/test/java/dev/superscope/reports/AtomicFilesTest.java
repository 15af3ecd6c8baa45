package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
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
        AtomicFiles.writeText(file, w -> w.write("second"));
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
        assertEquals("previous content", Files.readString(file));
        assertEquals(List.of(file), allFiles());

        ReportWriteException io = assertThrows(ReportWriteException.class, () -> AtomicFiles.writeBytes(file, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(io.getMessage().startsWith(file + ": cannot write: IOException No space left on device"),
                io.getMessage());
        assertEquals(1, io.exitCode());
        assertEquals("previous content", Files.readString(file));
        assertEquals(List.of(file), allFiles());
    }

    @Test
    void aCrashWhileWritingModelsCsvKeepsTheFinishedRows() throws IOException {
        Path file = dir.resolve("models.csv");
        List<ModelResult> finished = List.of(Rows.row("a", "f", "unembedding", 8, "msq_overlap", 0.1));
        ModelsCsv.write(file, finished);
        String before = Files.readString(file);
        // A list whose second row cannot be produced: the write stops after the header and one row.
        List<ModelResult> crashing = new AbstractList<>() {
            @Override
            public ModelResult get(int i) {
                if (i == 1) {
                    throw new IllegalStateException("killed mid-write");
                }
                return finished.get(0);
            }

            @Override
            public int size() {
                return 2;
            }
        };
        assertThrows(IllegalStateException.class, () -> ModelsCsv.write(file, crashing));
        assertEquals(before, Files.readString(file));
        assertEquals(finished, List.of(ModelsCsv.read(file).get(0).withMetrics(finished.get(0).metrics())));
        assertEquals(List.of(file), allFiles());
    }

    @Test
    void aDirectoryInTheWayIsAOneLineError() throws IOException {
        Path target = dir.resolve("models.csv");
        Files.createDirectories(target.resolve("child"));
        ReportWriteException e = assertThrows(ReportWriteException.class,
                () -> AtomicFiles.writeText(target, w -> w.write("x")));
        assertTrue(e.getMessage().startsWith(target + ": cannot write"), e.getMessage());
        assertTrue(Files.isDirectory(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(AtomicFiles::isTempFile));
        }
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
