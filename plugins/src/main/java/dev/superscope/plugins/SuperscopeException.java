package dev.superscope.plugins;

/**
 * An error the user can act on. Its message is one line, meant to be printed as is; the exit code
 * follows the command-line contract (2 usage, 3 bad input, 4 network, 1 anything else).
 */
public class SuperscopeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for a wrong command line (unknown plugin name, bad option value). */
    public static final int USAGE = 2;
    /** Exit code for a bad or unsupported input file. */
    public static final int BAD_INPUT = 3;
    /** Exit code for a network failure. */
    public static final int NETWORK = 4;

    private final int exitCode;

    public SuperscopeException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public SuperscopeException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code this error maps to. */
    public int exitCode() {
        return exitCode;
    }
}
