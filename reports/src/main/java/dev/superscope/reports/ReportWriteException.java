package dev.superscope.reports;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An output file that could not be written (disk full, permission denied, a directory in the way).
 * The message is one line, {@code file: reason}; the CLI exits with code 1.
 */
public final class ReportWriteException extends SuperscopeException {
    private static final long serialVersionUID = 1L;

    /** Exit code 1: "anything else" in the command-line contract. */
    static final int EXIT_CODE = 1;

    /** {@code file: reason}, keeping the underlying failure as the cause. */
    public ReportWriteException(Path file, String reason, Throwable cause) {
        super(EXIT_CODE, file + ": " + reason, cause);
    }

    /** The failure to write {@code file} atomically: {@code file: cannot write: <what went wrong>}. */
    public static ReportWriteException writing(Path file, IOException e) {
        return new ReportWriteException(file, "cannot write: " + AtomicFiles.describe(e), e);
    }

    /** {@code file: reason}. */
    public ReportWriteException(Path file, String reason) {
        super(EXIT_CODE, file + ": " + reason);
    }
}
