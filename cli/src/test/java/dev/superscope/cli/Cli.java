package dev.superscope.cli;

import dev.superscope.testing.Fixtures;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in-process and captures what it prints. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** The shared fixtures, or a skipped test. */
    static Path fixtures() {
        return Fixtures.root();
    }

    static Path checkpoint(String name) {
        return fixtures().resolve("checkpoints").resolve(name);
    }

    /** The repository root. */
    static Path root() {
        return Path.of(System.getProperty("superscope.root", ".."));
    }
}
