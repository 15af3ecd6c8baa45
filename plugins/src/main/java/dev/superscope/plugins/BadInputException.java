package dev.superscope.plugins;

import java.nio.file.Path;

/**
 * A file that is malformed, unsafe or unsupported. The message names the file and the reason in one
 * line ({@code path: reason}); the CLI exits with code 3.
 */
public class BadInputException extends SuperscopeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    public BadInputException(Path file, String reason) {
        super(BAD_INPUT, file == null ? reason : file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    public BadInputException(Path file, String reason, Throwable cause) {
        super(BAD_INPUT, file == null ? reason : file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The offending file, or null when the error is not about one file. */
    public Path file() {
        return file;
    }

    /** The reason alone, without the file name. */
    public String reason() {
        return reason;
    }

    /** The same reason, now attributed to {@code file} (for errors raised before the file was known). */
    public BadInputException in(Path file) {
        return this.file != null ? this : new BadInputException(file, reason, this);
    }
}
