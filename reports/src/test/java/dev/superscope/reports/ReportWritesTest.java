package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.FitsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reports are written atomically: a failed or interrupted write keeps the previous file whole. */
class ReportWritesTest {

    @TempDir
    Path dir;

    @Test
    void aFailureMidWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("models.csv");
        Files.writeString(file, "previous content");
        RuntimeException crash = new IllegalStateException("analyzer crashed");
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> FitsCsv.write(file,
                new AbstractList<>() {
                    @Override
                    public FitRow get(int i) {
                        throw crash;
                    }

                    @Override
                    public int size() {
                        return 1;
                    }
                }));
        assertEquals(crash, thrown);
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
        ReportWriteException e = assertThrows(ReportWriteException.class, () -> ModelsCsv.write(target, List.of()));
        assertTrue(e.getMessage().startsWith(target + ": cannot write"), e.getMessage());
        assertTrue(Files.isDirectory(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(dev.superscope.plugins.io.AtomicFiles::isTempFile));
        }
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
