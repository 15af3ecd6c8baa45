package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A moving memory-mapped window over one storage's bytes, for gathering strided elements: scattered
 * reads that fall close together share one mapping instead of a system call each. Not thread-safe;
 * make one per gather.
 */
final class StorageWindow {
    /** Bytes mapped at a time (more when one run is longer). */
    static final long WINDOW_BYTES = 64L << 20;

    private final FileChannel channel;
    private final Path file;
    private final long end;
    private ByteBuffer buffer;
    private long start;

    /**
     * @param end the byte after the storage's last byte; windows never extend past it
     */
    StorageWindow(FileChannel channel, Path file, long end) {
        this.channel = channel;
        this.file = file;
        this.end = end;
    }

    /**
     * Makes bytes {@code [position, position + length)} readable and returns their index in
     * {@link #buffer()}. The caller has checked that the range lies inside the storage.
     */
    int locate(long position, int length) {
        if (buffer == null || position < start || position + length > start + buffer.capacity()) {
            long size = Math.min(Math.max(WINDOW_BYTES, length), end - position);
            try {
                buffer = channel.map(FileChannel.MapMode.READ_ONLY, position, size).order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new BadInputException(file, "cannot map tensor data: " + e.getMessage(), e);
            }
            start = position;
        }
        return (int) (position - start);
    }

    /** The current window (little-endian); valid until the next {@link #locate}. */
    ByteBuffer buffer() {
        return buffer;
    }
}
