package dev.superscope.cli;

import dev.superscope.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /**
     * Asserts that {@code r} exited with {@code code} and explained why in one line holding every one of
     * {@code fragments}, with no stack trace.
     */
    static void assertOneLineError(Cli r, int code, String... fragments) {
        assertEquals(code, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "'" + f + "' in: " + err);
        }
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
