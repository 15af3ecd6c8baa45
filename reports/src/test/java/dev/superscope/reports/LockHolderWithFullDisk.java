package dev.superscope.reports;

import java.nio.file.Path;

/**
 * Takes the output lock of the directory named by the first argument, for {@link OutputDirectoryFilesTest}:
 * run under a file-size limit of 0 (a full disk, as far as writing goes), it fails, and says how on stdout.
 */
public final class LockHolderWithFullDisk {
    private LockHolderWithFullDisk() {
    }

    public static void main(String[] args) {
        try (OutputLock lock = OutputLock.acquire(Path.of(args[0]))) {
            System.out.println("locked " + lock.file());
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getMessage());
        }
    }
}
