package dev.superscope.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code superscope} subcommand has: the top-level command, whose global options say how to
 * find plugins, compute and reach the hub, and the writers picocli gives the subcommand (standard output
 * and error, or those a caller of {@link Main#run} passed).
 */
abstract class Subcommand implements Callable<Integer> {
    @ParentCommand
    SuperscopeCommand root;

    @Spec
    CommandSpec spec;

    /** Where results are printed. */
    final PrintWriter outWriter() {
        return spec.commandLine().getOut();
    }

    /** Where warnings and errors are printed. */
    final PrintWriter errWriter() {
        return spec.commandLine().getErr();
    }

    /** Progress and notes, on the error writer. */
    final Progress progress() {
        return Progress.forConsole(errWriter());
    }
}
