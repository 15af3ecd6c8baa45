package dev.superscope.reports;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import dev.superscope.plugins.io.SmallFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Claims an output directory for one run: a file {@value #FILE_NAME} created with {@code CREATE_NEW}
 * holding the owner's process id (and start time). A second run on the same directory fails with a
 * one-line message instead of interleaving rows.
 *
 * <p>A lock whose process is gone (killed, crashed, machine rebooted) is stale: the next run takes it
 * over and says so in {@link #note()}. The start time catches a dead owner whose pid the system has
 * since given to an unrelated process. The lock is released on {@link #close()} and, should the JVM be
 * stopped with Ctrl-C, by a shutdown hook.
 */
public final class OutputLock implements AutoCloseable {

    /** The lock file's name in the output directory. */
    public static final String FILE_NAME = ".superscope.lock";

    private static final int ATTEMPTS = 5;
    /** A lock holds a pid and a start time; anything larger is not one. */
    private static final long MAX_LOCK_BYTES = 4096;
    /** An empty lock file younger than this is a run still writing its pid, not a stale lock. */
    private static final long FRESH_MILLIS = 10_000;

    private final Path file;
    private final String content;
    private final String note;
    private final Thread shutdownHook;
    private boolean closed;

    private OutputLock(Path file, String content, String note) {
        this.file = file;
        this.content = content;
        this.note = note;
        this.shutdownHook = new Thread(this::release, "superscope-lock-release");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Takes the lock on {@code dir} (which must exist).
     *
     * @throws SuperscopeException (exit code 1) with a one-line message when another live run holds it, or
     *                             when the lock file cannot be created or read
     */
    public static OutputLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        ProcessHandle self = ProcessHandle.current();
        String content = describe(self.pid(), self.info().startInstant());
        String note = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                if (create(file, content)) {
                    return new OutputLock(file, content, note);
                }
                String existing = readOrNull(file);
                if (existing == null) {
                    continue; // released between our two calls: try again
                }
                if (existing.isBlank()) {
                    // Created but not yet written by a run starting right now, or left empty by a crash.
                    if (ageMillis(file) < FRESH_MILLIS) {
                        throw new SuperscopeException(ReportWriteException.EXIT_CODE,
                                "another superscope run is starting to write to " + dir + "; wait for it or"
                                        + " choose another --out");
                    }
                    if (takeOver(file, existing)) {
                        note = "took over an empty lock file in " + dir;
                    }
                    continue;
                }
                Holder holder = Holder.parse(existing);
                if (holder == null) {
                    throw new SuperscopeException(ReportWriteException.EXIT_CODE, file + ": not a Superscope lock"
                            + " file; delete it if no superscope run is writing to " + dir);
                }
                if (holder.alive()) {
                    throw new SuperscopeException(ReportWriteException.EXIT_CODE, "another superscope run (pid "
                            + holder.pid + ") is writing to " + dir + "; wait for it or choose another --out"
                            + " (delete " + file + " if that process is not superscope)");
                }
                if (takeOver(file, existing)) {
                    note = "took over a stale lock in " + dir + " left by pid " + holder.pid
                            + ", which is no longer running";
                }
            } catch (IOException e) {
                throw new ReportWriteException(file, "cannot create the lock file: " + AtomicFiles.describe(e), e);
            }
        }
        throw new SuperscopeException(ReportWriteException.EXIT_CODE, file
                + ": could not take the lock (other runs keep taking it); try again");
    }

    /**
     * Creates the lock file with our content; false when it exists already. The file appears with its
     * content complete, so a failure (a full disk) never leaves an empty lock that blocks the next run.
     */
    private static boolean create(Path file, String content) throws IOException {
        return AtomicFiles.createNew(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Something the user should be told, e.g. that a stale lock was taken over. */
    public Optional<String> note() {
        return Optional.ofNullable(note);
    }

    /** Releases the lock: deletes the file, if it is still ours. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Already shutting down: the hook runs release(), which is idempotent.
        }
    }

    private synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        // Only delete what we wrote: if someone wrongly took the lock over, their file stays.
        try {
            if (content.equals(readOrNull(file))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | SuperscopeException notOursOrGone) {
            // A lock we could not delete is stale once this process ends; the next run takes it over.
        }
    }

    /**
     * Moves the stale file aside atomically, so that of two runs taking over at once only one succeeds;
     * if what was moved is no longer the stale content (another run took over first), it is put back.
     */
    private static boolean takeOver(Path file, String staleContent) throws IOException {
        Path aside = file.resolveSibling(FILE_NAME + ".stale-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return false;
        }
        String moved = readOrNull(aside);
        if (staleContent.equals(moved)) {
            Files.deleteIfExists(aside);
            return true;
        }
        try {
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(aside);
        }
        return false;
    }

    /** The lock file's content, null when it is gone; only a small regular file is read. */
    private static String readOrNull(Path file) {
        try {
            return new String(SmallFiles.read(file, MAX_LOCK_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (SmallFiles.RefusedFileException e) {
            throw new ReportWriteException(file, e.getMessage() + ", so not a Superscope lock; remove it if no"
                    + " superscope run is writing to " + file.getParent(), e);
        } catch (IOException e) {
            throw new ReportWriteException(file, "cannot read the lock file: " + AtomicFiles.describe(e), e);
        }
    }

    private static long ageMillis(Path file) throws IOException {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
        } catch (NoSuchFileException gone) {
            return 0;
        }
    }

    static String describe(long pid, Optional<Instant> started) {
        return pid + "\n" + started.map(Instant::toString).orElse("") + "\n";
    }

    /** The process a lock file names. */
    private static final class Holder {
        final long pid;
        final Instant started;

        private Holder(long pid, Instant started) {
            this.pid = pid;
            this.started = started;
        }

        /** Null when the text is not a lock written by this class. */
        static Holder parse(String text) {
            String[] lines = text.split("\n", -1);
            try {
                long pid = Long.parseLong(lines[0].strip());
                Instant started = lines.length > 1 && !lines[1].isBlank() ? Instant.parse(lines[1].strip()) : null;
                return pid > 0 ? new Holder(pid, started) : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        boolean alive() {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty() || !process.get().isAlive()) {
                return false;
            }
            // Same pid, different start time: the owner died and the pid was reused.
            Optional<Instant> actual = process.get().info().startInstant();
            return started == null || actual.isEmpty() || sameInstant(started, actual.get());
        }

        private static boolean sameInstant(Instant a, Instant b) {
            // Start times are derived from clock ticks; allow for rounding between reads.
            return Math.abs(a.toEpochMilli() - b.toEpochMilli()) < 1000;
        }
    }
}
