package dev.superscope.plugins.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
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
 * Writes a file so that readers see either its old content or the complete new content, never a part:
 * the content goes to a temporary file of its own in the same directory, is flushed to disk, and is
 * renamed over the target ({@code ATOMIC_MOVE}, falling back to a replacing move on file systems that
 * cannot rename atomically). When writing fails the temporary file is deleted and the target is
 * untouched.
 *
 * <p>Every write gets a temporary file no other write can have (created with {@code CREATE_NEW} under a
 * random name), so threads and processes replacing one file at once never write into each other's
 * temporary file: the last rename wins, whole. Temporary names start with {@value #TEMP_PREFIX} and end
 * with {@value #TEMP_SUFFIX} ({@link #isTempFile}), so what a crash leaves behind can be recognised.
 *
 * <p>The temporary file is created with the permissions any new file of the user gets (umask), not the
 * private ones of {@link Files#createTempFile}, which the rename would pass on to the finished file.
 */
public final class AtomicFiles {
    /** Temporary files start with this, so a later run can recognise and remove ones a crash left. */
    public static final String TEMP_PREFIX = ".superscope-";
    /** Temporary files end with this. */
    public static final String TEMP_SUFFIX = ".tmp";
    /** Characters of the target's name kept in a temporary name, so it stays within NAME_MAX. */
    private static final int NAME_CHARS_KEPT = 64;
    private static final int CREATE_ATTEMPTS = 100;

    /** Writes content to {@code out}; may throw to abandon the write. */
    @FunctionalInterface
    public interface Body<T> {
        void writeTo(T out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target} atomically, creating its parent directories. */
    public static void write(Path target, byte[] content) throws IOException {
        writeChannel(target, out -> writeFully(out, ByteBuffer.wrap(content)));
    }

    /**
     * Writes UTF-8 text to {@code target} atomically. Characters UTF-8 cannot encode (a lone surrogate in
     * a token string) are replaced with {@code ?} rather than failing the whole file.
     */
    public static void writeText(Path target, Body<Writer> body) throws IOException {
        writeStream(target, out -> {
            // OutputStreamWriter(stream, Charset) replaces unmappable characters instead of throwing.
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            body.writeTo(w);
            w.flush();
        });
    }

    /** Writes bytes to {@code target} atomically through a stream, creating its parent directories. */
    public static void writeStream(Path target, Body<OutputStream> body) throws IOException {
        writeChannel(target, channel -> {
            OutputStream out = Channels.newOutputStream(channel);
            body.writeTo(out);
            out.flush();
        });
    }

    /**
     * Writes {@code target} atomically through a file channel (positioned at 0 of an empty file), creating
     * its parent directories. Runtime exceptions thrown by {@code body} propagate unchanged, after the
     * temporary file is removed.
     */
    public static void writeChannel(Path target, Body<FileChannel> body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path tmp = createTemp(absolute);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                body.writeTo(channel);
                // Durable before visible: a power cut after the rename must not leave an empty file.
                channel.force(true);
            }
            move(tmp, absolute);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Creates {@code target} holding {@code content} unless it exists, in one step: no reader ever sees it
     * empty or half-written, and a failure (a full disk) leaves no file behind. For lock files.
     *
     * @return false when {@code target} already exists (nothing is written)
     */
    public static boolean createNew(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path tmp = createTemp(absolute);
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(channel, ByteBuffer.wrap(content));
                channel.force(true);
            }
            try {
                // A hard link appears with its content complete, and fails if the name is taken.
                Files.createLink(absolute, tmp);
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                return createNewWithoutLinks(absolute, content);
            }
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Where hard links are unavailable: create, write, and remove the file again if the write fails. */
    private static boolean createNewWithoutLinks(Path target, byte[] content) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException taken) {
            return false;
        }
        boolean written = false;
        try (channel) {
            writeFully(channel, ByteBuffer.wrap(content));
            channel.force(true);
            written = true;
        } finally {
            if (!written) {
                deleteQuietly(target);
            }
        }
        return true;
    }

    /**
     * Makes {@code link} a symbolic link to {@code linkTarget} (usually relative), replacing whatever is
     * there in one rename, so a reader never finds the name missing and two threads linking it at once
     * both succeed.
     *
     * @throws UnsupportedOperationException or IOException when the file system has no symbolic links
     */
    public static void replaceWithSymbolicLink(Path link, Path linkTarget) throws IOException {
        Path absolute = link.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        for (int attempt = 0; ; attempt++) {
            Path tmp = absolute.resolveSibling(tempName(absolute));
            try {
                Files.createSymbolicLink(tmp, linkTarget);
            } catch (FileAlreadyExistsException taken) {
                if (attempt >= CREATE_ATTEMPTS) {
                    throw taken;
                }
                continue;
            }
            boolean moved = false;
            try {
                move(tmp, absolute);
                moved = true;
            } finally {
                if (!moved) {
                    deleteQuietly(tmp);
                }
            }
            return;
        }
    }

    /** True for a temporary file this class creates (and a crash may have left behind). */
    public static boolean isTempFile(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().startsWith(TEMP_PREFIX) && name.toString().endsWith(TEMP_SUFFIX);
    }

    /** An I/O failure in one line: its class and message, without line breaks. */
    public static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        String msg = e.getMessage();
        return (msg == null ? kind : kind + " " + msg).replaceAll("\\s*\\R\\s*", " ");
    }

    /** Writes all of {@code buffer}'s remaining bytes. */
    public static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** A new, empty temporary file beside {@code target} that no other writer can have. */
    private static Path createTemp(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createFile(target.resolveSibling(tempName(target)));
            } catch (FileAlreadyExistsException taken) {
                if (attempt >= CREATE_ATTEMPTS) {
                    throw taken;
                }
            }
        }
    }

    private static String tempName(Path target) {
        String name = target.getFileName().toString();
        String kept = name.length() <= NAME_CHARS_KEPT ? name : name.substring(0, NAME_CHARS_KEPT);
        String unique = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return TEMP_PREFIX + kept + "-" + unique + TEMP_SUFFIX;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The original failure is the one worth reporting; a stray temporary file is recognisable.
        }
    }
}
