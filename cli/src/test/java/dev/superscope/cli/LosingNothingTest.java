package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.superscope.reports.OutputLock;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Losing nothing: a {@code run} killed half-way (SIGKILL; SIGTERM, which {@link Process#destroy()} sends on
 * Linux; SIGINT, as Ctrl-C sends) and run again ends with the same reports, cell for cell, as a run never interrupted; two runs on
 * one output directory never interleave: the second is refused at once by the directory's lock.
 *
 * <p>The interrupted runs are real child JVMs running {@link Main} on the test class path; the reference
 * run and the resumed runs go through {@link Main#run} in-process.
 */
class LosingNothingTest {
    private static final int[] WIDTHS = {16, 24, 32, 48, 64, 96, 128, 160};
    private static final int N = 4096;
    /** The O(n^2 m) analyzers make each model take a noticeable time, so a kill lands between models. */
    private static final String ANALYZERS = "norms,overlap,pairwise,decode-error";

    @TempDir
    static Path work;

    private static Path modelsYaml;
    private static Path reference;

    @BeforeAll
    static void writeCheckpointsAndAnUninterruptedRun() throws IOException {
        StringBuilder yaml = new StringBuilder("models:\n");
        Random random = new Random(2025);
        for (int m : WIDTHS) {
            float[] w = new float[N * m];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian();
            }
            HostileFiles.gpt2(work.resolve("checkpoints").resolve("synth-m" + m), N, m, w);
            yaml.append("  - name: synth-m").append(m).append("\n    family: synth\n    path: checkpoints/synth-m")
                    .append(m).append('\n');
        }
        modelsYaml = Files.writeString(work.resolve("models.yaml"), yaml);
        reference = work.resolve("reference");
        Cli r = runInProcess(reference);
        assertEquals(0, r.code(), r.err());
        assertEquals(WIDTHS.length, HostileInputTest.rows(reference).size());
    }

    private static Cli runInProcess(Path out) {
        return Cli.run("run", modelsYaml.toString(), "--out", out.toString(), "--analyzers", ANALYZERS);
    }

    /** {@code superscope run} in a new JVM, its output going to files next to {@code out}. */
    private static Process startChild(Path out) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "-cp", classPath,
                "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true", Main.class.getName(), "run", modelsYaml.toString(),
                "--out", out.toString(), "--analyzers", ANALYZERS));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(work.resolve(out.getFileName() + ".stdout").toFile())
                .redirectError(work.resolve(out.getFileName() + ".stderr").toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("HF_HUB_OFFLINE", "1");
        return pb.start();
    }

    private static String childErr(Path out) {
        try {
            return Files.readString(work.resolve(out.getFileName() + ".stderr"));
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** Rows in out/models.csv now (0 when there is no file yet); the file is only ever replaced whole. */
    private static int rowsIn(Path out) {
        Path csv = out.resolve("models.csv");
        if (!Files.exists(csv)) {
            return 0;
        }
        try {
            return HostileInputTest.rows(out).size();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return 0;
            }
            throw e;
        }
    }

    /** Waits until {@code child} has finished at least one model; fails if it ends first. */
    private static void awaitFirstModel(Process child, Path out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (rowsIn(out) == 0) {
            if (!child.isAlive()) {
                fail("the run ended (exit " + child.exitValue() + ") before finishing a model:\n" + childErr(out));
            }
            if (System.nanoTime() > deadline) {
                child.destroyForcibly();
                fail("no model finished within 40 s:\n" + childErr(out));
            }
            Thread.sleep(5);
        }
    }

    /** How the run is stopped. */
    enum Stop {
        /** {@link Process#destroyForcibly()}: SIGKILL, nothing runs on the way out. */
        SIGKILL,
        /** {@link Process#destroy()}: SIGTERM on Linux; the JVM runs its shutdown hooks. */
        SIGTERM,
        /** Ctrl-C, sent with kill(1). */
        SIGINT
    }

    private static void killAfterFirstModel(Path out, Stop how) throws IOException, InterruptedException {
        Process child = startChild(out);
        try {
            awaitFirstModel(child, out);
            switch (how) {
                case SIGKILL -> child.destroyForcibly();
                case SIGTERM -> child.destroy();
                case SIGINT -> {
                    if (ignoresSigint(child)) {
                        child.destroyForcibly();
                        Assumptions.abort("this test's process group ignores SIGINT (started in the background"
                                + " without job control), so the child JVM does too; skipping the SIGINT case");
                    }
                    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
                    assertEquals(0, kill.waitFor(), "kill -INT");
                }
                default -> throw new AssertionError(how);
            }
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child ends after " + how);
        } finally {
            child.destroyForcibly();
        }
        int done = rowsIn(out);
        assertTrue(done >= 1 && done < WIDTHS.length, "stopped half-way, after " + done + " of " + WIDTHS.length
                + " models; stderr:\n" + childErr(out));
        assertNotEquals(0, child.exitValue(), "a killed run does not report success");
    }

    /** Whether SIGINT is in the process's ignored-signal mask (Linux /proc; false when it cannot be read). */
    private static boolean ignoresSigint(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static Cli resume(Path out) {
        Cli again = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runInProcess(out));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("already in"), "finished models are not measured again: " + again.err());
        return again;
    }

    @Test
    void sigkillHalfWayThenRunAgainGivesTheUninterruptedReports() throws Exception {
        Path out = work.resolve("killed");
        killAfterFirstModel(out, Stop.SIGKILL);
        assertTrue(Files.exists(out.resolve(OutputLock.FILE_NAME)), "SIGKILL leaves its lock behind");
        Cli again = resume(out);
        assertTrue(again.err().contains("took over a stale lock"), again.err());
        assertSameReports(reference, out);
    }

    /** SIGTERM and Ctrl-C let the JVM run its shutdown hooks: the lock goes, and a re-run finishes the job. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Stop.class, names = {"SIGTERM", "SIGINT"})
    void aStopThatRunsTheShutdownHooksHalfWayThenRunAgainGivesTheUninterruptedReports(Stop how) throws Exception {
        Path out = work.resolve(how.name());
        killAfterFirstModel(out, how);
        assertFalse(Files.exists(out.resolve(OutputLock.FILE_NAME)), how + " releases the lock on the way out");
        resume(out);
        assertSameReports(reference, out);
    }

    @Test
    void aSecondRunOnTheSameOutputIsRefusedWhileTheFirstCompletes() throws Exception {
        Path out = work.resolve("shared");
        Process first = startChild(out);
        try {
            Path lock = out.resolve(OutputLock.FILE_NAME);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            // Wait until the lock names the first run (it is created, then its pid is written).
            while (!Files.exists(lock) || Files.readString(lock).isBlank()) {
                assertTrue(first.isAlive(), "the first run ended early:\n" + childErr(out));
                assertTrue(System.nanoTime() < deadline, "the first run never took the lock");
                Thread.sleep(5);
            }
            Cli second = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> runInProcess(out));
            assertTrue(first.isAlive(), "the refusal happened while the first run held the directory");
            assertNotEquals(0, second.code());
            String err = second.err().strip();
            assertEquals(1, err.lines().count(), "one line: " + err);
            assertTrue(err.contains("another superscope run (pid " + first.pid() + ") is writing to"), err);
            assertTrue(err.contains(out.getFileName().toString()), err);
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the first run completes");
            assertEquals(0, first.exitValue(), childErr(out));
        } finally {
            first.destroyForcibly();
        }
        assertSameReports(reference, out);
    }

    /**
     * models.csv (every cell, in models.yaml order), fits.csv and each tokens/*.csv are byte for byte those of
     * the reference run, and nothing else (no temporary file, no lock) is left in the directory.
     */
    private static void assertSameReports(Path expected, Path actual) throws IOException {
        List<Map<String, String>> rows = HostileInputTest.rows(actual);
        assertEquals(HostileInputTest.rows(expected), rows, "models.csv, cell for cell");
        List<String> order = rows.stream().map(r -> r.get("model")).toList();
        assertEquals(Arrays.stream(WIDTHS).mapToObj(m -> "synth-m" + m).toList(), order, "every model once, in models.yaml order");
        assertEquals(listing(expected), listing(actual));
        for (String file : listing(expected)) {
            if (file.endsWith(".csv")) {
                assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)),
                        file);
            }
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString().replace(File.separatorChar, '/'))
                    .sorted().toList();
        }
    }
}
