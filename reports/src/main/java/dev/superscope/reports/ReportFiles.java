package dev.superscope.reports;

import dev.superscope.plugins.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Path;

/**
 * How every report file is written: atomically ({@link AtomicFiles}: a temporary file, then a rename, so an
 * older file is left whole when writing fails), a failure becoming one {@link ReportWriteException} that
 * names the file.
 */
public final class ReportFiles {
    private ReportFiles() {
    }

    /** Writes the text {@code body} prints to {@code file}. */
    public static void writeText(Path file, AtomicFiles.Body<Writer> body) {
        try {
            AtomicFiles.writeText(file, body);
        } catch (IOException e) {
            throw ReportWriteException.writing(file, e);
        }
    }

    /** Writes the bytes {@code body} streams to {@code file}. */
    public static void writeStream(Path file, AtomicFiles.Body<OutputStream> body) {
        try {
            AtomicFiles.writeStream(file, body);
        } catch (IOException e) {
            throw ReportWriteException.writing(file, e);
        }
    }
}
