package dev.superscope.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared real fixtures (../shared/fixtures beside the repository: files written by transformers and
 * torch), and the one rule for when they are absent. A user's clone does not have them: tests that need
 * them are skipped with a message. CI does: it sets the environment variable
 * {@code SUPERSCOPE_FIXTURES_REQUIRED=true} (or the system property {@code superscope.fixtures.required}),
 * and then a missing fixture fails the test instead, so a CI run can never pass by skipping.
 */
public final class Fixtures {
    /** System property naming the fixtures folder (the parent pom sets it from the repository root). */
    public static final String LOCATION_PROPERTY = "superscope.fixtures";
    /** System property that turns a missing fixture from a skip into a failure. */
    public static final String REQUIRED_PROPERTY = "superscope.fixtures.required";
    /** Environment variable with the same effect (what CI sets: forked test JVMs inherit it). */
    public static final String REQUIRED_VARIABLE = "SUPERSCOPE_FIXTURES_REQUIRED";

    private Fixtures() {
    }

    /** The fixtures root; a skipped (or, when required, failed) test when it is not there. */
    public static Path root() {
        String configured = System.getProperty(LOCATION_PROPERTY);
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "fixtures");
        require(Files.isDirectory(dir), "shared fixtures not found at " + dir.toAbsolutePath().normalize()
                + " (they live beside the repository in ../shared)");
        return dir;
    }

    /** {@code checkpoints/<name>} inside the fixtures. */
    public static Path checkpoint(String name) {
        return existing(root().resolve("checkpoints").resolve(name));
    }

    /**
     * {@code checkpoints/<name>} for a fixture proposed for the shared set but not in it yet (its
     * provenance is in the test that reads it): skipped while it is absent, even when fixtures are
     * required, as long as the shared fixtures themselves are there.
     */
    public static Path proposedCheckpoint(String name) {
        Path dir = root().resolve("checkpoints").resolve(name);
        assumeTrue(Files.isDirectory(dir), "proposed fixture " + dir.toAbsolutePath().normalize()
                + " is not in the shared set yet; skipping");
        return dir;
    }

    /** {@code tokenizers/<name>} inside the fixtures. */
    public static Path tokenizer(String name) {
        return existing(root().resolve("tokenizers").resolve(name));
    }

    /** {@code path}, which must exist: skipped (or failed, when required) otherwise. */
    public static Path existing(Path path) {
        require(Files.exists(path), "fixture not found: " + path.toAbsolutePath().normalize());
        return path;
    }

    private static void require(boolean present, String message) {
        if (present) {
            return;
        }
        if (Boolean.getBoolean(REQUIRED_PROPERTY) || "true".equalsIgnoreCase(System.getenv(REQUIRED_VARIABLE))) {
            fail(message + "; " + REQUIRED_VARIABLE + " is set, so this is a failure, not a skip");
        }
        assumeTrue(false, message + "; skipping");
    }
}
