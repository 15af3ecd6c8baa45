package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Random access to the bytes of one file by position, so that a torch.save zip can be indexed from a
 * local file or from byte ranges fetched over the network with the same checks. Implementations
 * throw {@link BadInputException} (or another one-line {@code SuperscopeException}) for failures.
 */
public interface RangeSource {
    /** The file's size in bytes. */
    long size();

    /**
     * Bytes {@code [position, position + length)}, which the caller has checked lie inside the file.
     *
     * @throws BadInputException when the file ends early or cannot be read
     */
    byte[] read(long position, int length);

    /** The bytes of an open local file (the caller keeps and closes the channel). */
    static RangeSource of(FileChannel channel, Path file) {
        return new RangeSource() {
            @Override
            public long size() {
                try {
                    return channel.size();
                } catch (IOException e) {
                    throw new BadInputException(file, "cannot read: " + e.getMessage(), e);
                }
            }

            @Override
            public byte[] read(long position, int length) {
                return ZipArchive.read(channel, file, position, length);
            }
        };
    }
}
