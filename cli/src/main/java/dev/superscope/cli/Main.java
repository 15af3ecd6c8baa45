package dev.superscope.cli;

import dev.superscope.plugins.SuperscopeException;
import java.io.PrintWriter;
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
            err.println("superscope: " + e.getMessage());
            err.println("Try 'superscope " + (e.getCommandLine() == cli ? "" : e.getCommandLine().getCommandName() + " ")
                    + "--help'.");
            return SuperscopeException.USAGE;
        });
        return cli.execute(args);
    }

    private static int report(Exception e, boolean debug, PrintWriter err) {
        if (debug) {
            e.printStackTrace(err);
        }
        if (e instanceof SuperscopeException s) {
            err.println("superscope: " + oneLine(s.getMessage()));
            return s.exitCode();
        }
        err.println("superscope: internal error: " + oneLine(e.toString()) + (debug ? "" : " (run with --debug for details)"));
        return 1;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
