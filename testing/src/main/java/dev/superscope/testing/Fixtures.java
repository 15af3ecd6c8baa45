package dev.superscope.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared fixtures (../shared/fixtures from the repository root) and skips when absent. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The fixtures root, or a skipped test when it is not there. */
    public static Path root() {
        String configured = System.getProperty("superscope.fixtures");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "fixtures");
        assumeTrue(Files.isDirectory(dir), "shared fixtures not found at " + dir.toAbsolutePath().normalize()
                + "; skipping (they live beside the repository in ../shared)");
        return dir;
    }

    /** {@code checkpoints/<name>} inside the fixtures. */
    public static Path checkpoint(String name) {
        return root().resolve("checkpoints").resolve(name);
    }
}
