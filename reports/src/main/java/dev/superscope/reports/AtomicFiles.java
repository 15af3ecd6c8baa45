package dev.superscope.reports;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a part:
 * the content goes to a temporary file in the same directory, is flushed to disk, and is renamed over
 * the target ({@code ATOMIC_MOVE}, falling back to a plain replacing move on file systems that cannot
 * rename atomically). When writing fails the temporary file is deleted and the target is untouched.
 */
public final class AtomicFiles {

    /** Temporary files start with this, so a later run can recognise and remove ones a crash left. */
    static final String TEMP_PREFIX = ".superscope-";
    static final String TEMP_SUFFIX = ".tmp";

    /** Writes content to an output stream; may throw to abandon the write. */
    @FunctionalInterface
    public interface Body<T> {
        void writeTo(T out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes UTF-8 text to {@code target} atomically. Characters UTF-8 cannot encode (a lone surrogate in
     * a token string) are replaced with {@code ?} rather than failing the whole file.
     *
     * @throws ReportWriteException when the file cannot be written; the target is then unchanged
     */
    public static void writeText(Path target, Body<Writer> body) {
        writeBytes(target, out -> {
            // OutputStreamWriter(stream, Charset) replaces unmappable characters instead of throwing.
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            body.writeTo(w);
            w.flush();
        });
    }

    /**
     * Writes bytes to {@code target} atomically, creating its parent directories.
     *
     * @throws ReportWriteException when the file cannot be written; the target is then unchanged
     */
    public static void writeBytes(Path target, Body<OutputStream> body) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = createTemp(dir, target.getFileName().toString());
        } catch (IOException e) {
            throw new ReportWriteException(target, "cannot create a temporary file in " + dir + ": " + describe(e), e);
        }
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                body.writeTo(out);
                out.flush();
                // Durable before visible: a power cut after the rename must not leave an empty file.
                channel.force(true);
            }
            move(tmp, target);
            moved = true;
        } catch (IOException e) {
            throw new ReportWriteException(target, "cannot write: " + describe(e), e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Creates an empty temporary file beside the target. Not {@link Files#createTempFile}: that makes the
     * file private (0600), and the rename would hand those permissions to the report; this one gets the
     * same permissions (umask) as any file the user creates.
     */
    private static Path createTemp(Path dir, String targetName) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String unique = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path tmp = dir.resolve(TEMP_PREFIX + targetName + "-" + unique + TEMP_SUFFIX);
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                if (attempt > 100) {
                    throw taken;
                }
            }
        }
    }

    /** True for a temporary file this class creates (and a crash may have left behind). */
    public static boolean isTempFile(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The original failure is the one worth reporting; a stray temp file is removed next run.
        }
    }

    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        String msg = e.getMessage();
        return msg == null ? kind : (kind + " " + msg).replace('\n', ' ');
    }
}
