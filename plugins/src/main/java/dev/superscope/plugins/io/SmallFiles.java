package dev.superscope.plugins.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads files that should be small (a lock, a ref, a token, a models.csv) without trusting what sits
 * under their name: only a regular file is opened, because a FIFO blocks the reader forever and a link
 * to {@code /dev/zero} never ends, and no more than a stated number of bytes is read, whatever the file
 * claims its size is ({@code /proc} files say 0).
 */
public final class SmallFiles {
    private SmallFiles() {
    }

    /** A file that is not one to read: not a regular file, or larger than its limit. The message says which. */
    public static final class RefusedFileException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedFileException(String message) {
            super(message);
        }
    }

    /**
     * All bytes of {@code file}.
     *
     * @throws NoSuchFileException     when it does not exist
     * @throws RefusedFileException    when it is not a regular file (after following links) or holds more
     *                                 than {@code maxBytes} bytes
     */
    public static byte[] read(Path file, long maxBytes) throws IOException {
        try (InputStream in = open(file, maxBytes)) {
            return in.readAllBytes();
        }
    }

    /**
     * A stream over {@code file} that fails with a {@link RefusedFileException} once more than
     * {@code maxBytes} bytes have been read.
     *
     * @throws NoSuchFileException  when it does not exist
     * @throws RefusedFileException when it is not a regular file or already larger than {@code maxBytes}
     */
    public static InputStream open(Path file, long maxBytes) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            throw new RefusedFileException("is not a regular file (a FIFO, a device, a directory or a link to one)");
        }
        long size = Files.size(file);
        if (size > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return new Limited(Files.newInputStream(file), maxBytes);
    }

    private static RefusedFileException tooLarge(long maxBytes) {
        return new RefusedFileException("holds more than " + maxBytes + " bytes, more than such a file ever needs");
    }

    /** Counts what is read and fails past the limit. */
    private static final class Limited extends FilterInputStream {
        private final long maxBytes;
        private long left;

        Limited(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
            this.left = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // One byte past the limit is asked for, so a file that is exactly at the limit still reads whole.
            int n = super.read(b, off, (int) Math.min(len, left + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left + 1));
            count(skipped);
            return skipped;
        }

        private void count(long n) throws RefusedFileException {
            left -= n;
            if (left < 0) {
                throw tooLarge(maxBytes);
            }
        }
    }
}
