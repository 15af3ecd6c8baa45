package dev.superscope.reports;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An output directory for the length of one run: it holds the directory's {@link OutputLock}, keeps
 * {@code models.csv}'s rows, and rewrites the file atomically each time a model's rows are added, so a
 * run stopped half-way keeps every finished model and the next run resumes from them.
 *
 * <p>Without {@code force}, a (model, matrix) that already has a row is complete and is skipped by the
 * CLI. With {@code force}, nothing counts as complete until this run has computed it again; a recomputed
 * row replaces the old one in place, and rows of models this run does not touch are kept.
 *
 * <p>Opening the store also removes temporary files a killed run left behind (they are never mistaken for
 * results: only renamed files are).
 */
public final class ResultStore implements AutoCloseable {

    private final Path directory;
    private final boolean force;
    private final OutputLock lock;
    private final List<String> notes = new ArrayList<>();
    private final Map<Key, ModelResult> rows = new LinkedHashMap<>();
    private final Set<Key> computedThisRun = new HashSet<>();
    private boolean closed;

    private record Key(String model, String matrix) {
    }

    private ResultStore(Path directory, boolean force, OutputLock lock) {
        this.directory = directory;
        this.force = force;
        this.lock = lock;
    }

    /**
     * Opens (creating if needed) the output directory, takes its lock, removes stale temporary files and
     * loads an existing {@code models.csv}.
     *
     * @param directory the {@code --out} directory
     * @param force     recompute every model and replace its rows ({@code --force})
     * @throws SuperscopeException when the directory cannot be used, another run holds it (exit 1), or its
     *                             models.csv is not valid ({@link dev.superscope.plugins.BadInputException},
     *                             exit 3; the user can move it away or fix it)
     */
    public static ResultStore open(Path directory, boolean force) {
        Path dir = directory.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--out " + directory + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ReportWriteException(dir, "cannot create the output directory: " + AtomicFiles.describe(e), e);
        }
        OutputLock lock = OutputLock.acquire(dir);
        ResultStore store = new ResultStore(dir, force, lock);
        try {
            lock.note().ifPresent(store.notes::add);
            store.removeStaleTempFiles();
            Path models = dir.resolve(ModelsCsv.FILE_NAME);
            if (Files.exists(models)) {
                for (ModelResult r : ModelsCsv.read(models)) {
                    store.rows.put(new Key(r.model(), r.matrix()), r);
                }
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return store;
    }

    /** The output directory (absolute). */
    public Path directory() {
        return directory;
    }

    /** {@code directory/name}: where a report file of that name goes. */
    public Path file(String name) {
        return directory.resolve(name);
    }

    /** {@code directory/models.csv}. */
    public Path modelsCsv() {
        return file(ModelsCsv.FILE_NAME);
    }

    /** Whether this run recomputes everything. */
    public boolean force() {
        return force;
    }

    /** Things the user should be told (a stale lock taken over, leftover temporary files removed). */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /** Every row, in file order (rows loaded from disk first, then new ones in the order added). */
    public synchronized List<ModelResult> results() {
        return List.copyOf(rows.values());
    }

    /** The row for (model, matrix), if there is one. */
    public synchronized Optional<ModelResult> get(String model, String matrix) {
        return Optional.ofNullable(rows.get(new Key(model, matrix)));
    }

    /**
     * True when (model, matrix) needs no work: it has a row, and under {@code force} that row was computed
     * by this run.
     */
    public synchronized boolean isComplete(String model, String matrix) {
        Key key = new Key(model, matrix);
        return force ? computedThisRun.contains(key) : rows.containsKey(key);
    }

    /**
     * Like {@link #isComplete(String, String)}, and in addition every metric in {@code required} has a
     * value — so adding an analyzer to a finished run computes just what is missing. (A metric that is
     * legitimately undefined, NaN, for a model makes that model be recomputed each time.)
     */
    public synchronized boolean isComplete(String model, String matrix, Collection<String> required) {
        if (!isComplete(model, matrix)) {
            return false;
        }
        ModelResult r = rows.get(new Key(model, matrix));
        return required.stream().allMatch(r::has);
    }

    /** Adds or replaces one row and rewrites models.csv. */
    public void put(ModelResult result) {
        putAll(List.of(result));
    }

    /**
     * Adds or replaces the rows of one finished model (both matrices) and rewrites models.csv atomically
     * once. A replaced row keeps its position.
     *
     * @throws ReportWriteException when models.csv cannot be written; the rows stay in memory and the file
     *                              on disk keeps its previous content
     */
    public synchronized void putAll(Collection<ModelResult> results) {
        ensureOpen();
        for (ModelResult r : results) {
            Key key = new Key(r.model(), r.matrix());
            rows.put(key, r);
            computedThisRun.add(key);
        }
        ModelsCsv.write(modelsCsv(), List.copyOf(rows.values()));
    }

    /** Releases the lock. The rows are already on disk. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lock.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("result store for " + directory + " is closed");
        }
    }

    private void removeStaleTempFiles() {
        int removed = 0;
        for (Path dir : List.of(directory, directory.resolve(TokensCsv.DIRECTORY))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (AtomicFiles.isTempFile(f) && Files.isRegularFile(f)) {
                        Files.deleteIfExists(f);
                        removed++;
                    }
                }
            } catch (IOException e) {
                notes.add("could not remove leftover temporary files in " + dir + ": " + AtomicFiles.describe(e));
            }
        }
        if (removed > 0) {
            notes.add("removed " + removed + " temporary file(s) an interrupted run left in " + directory);
        }
    }
}
