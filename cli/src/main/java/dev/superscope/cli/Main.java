package dev.superscope.cli;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.TerminalText;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import picocli.CommandLine;

/** Entry point. Sets the offline switches before any DJL class can load, then runs the command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        } catch (OutOfMemoryError e) {
            System.err.println("superscope: out of memory; give the JVM more with JAVA_OPTS=-Xmx...");
            code = 1;
        }
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (used by tests, which must not exit the JVM). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // DJL must not phone home: its tracking and model-zoo lookups are off before any DJL class loads.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        SuperscopeCommand root = new SuperscopeCommand();
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, root.debug(), err));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("superscope: " + safeLine(e.getMessage()));
            err.println("Try 'superscope " + (e.getCommandLine() == cli ? "" : e.getCommandLine().getCommandName() + " ")
                    + "--help'.");
            return SuperscopeException.USAGE;
        });
        return cli.execute(args);
    }

    private static int report(Exception e, boolean debug, PrintWriter err) {
        if (debug) {
            printStackTrace(e, err);
        }
        if (e instanceof SuperscopeException s) {
            err.println("superscope: " + safeLine(s.getMessage()));
            return s.exitCode();
        }
        if (e instanceof InvalidPathException p) {
            // A path no file can have (a NUL in it) came from the command line or a file: bad input.
            err.println("superscope: \"" + safeLine(p.getInput()) + "\" is not a usable path: " + safeLine(p.getReason()));
            return SuperscopeException.BAD_INPUT;
        }
        err.println("superscope: internal error: " + safeLine(e.toString()) + (debug ? "" : " (run with --debug for details)"));
        return 1;
    }

    /**
     * The stack trace of {@code e} and its causes, with every message escaped: a message quotes names
     * from files and servers, and --debug must not hand them to the terminal raw either.
     */
    private static void printStackTrace(Throwable e, PrintWriter err) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            err.println((t == e ? "" : "Caused by: ") + t.getClass().getName()
                    + (t.getMessage() == null ? "" : ": " + safeLine(t.getMessage())));
            for (StackTraceElement frame : t.getStackTrace()) {
                err.println("\tat " + TerminalText.safe(frame.toString()));
            }
        }
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Longest message printed: a value quoted from a file cannot make a line of megabytes. */
    static final int MAX_LINE_CHARS = 2000;

    /**
     * {@code message} as one line fit for the terminal: line breaks joined, every other control character,
     * escape sequence or bidirectional override shown as a visible escape, at most {@value #MAX_LINE_CHARS}
     * characters. For everything printed that may hold text from a file or a server.
     */
    static String safeLine(String message) {
        return TerminalText.safe(oneLine(message), MAX_LINE_CHARS);
    }
}
