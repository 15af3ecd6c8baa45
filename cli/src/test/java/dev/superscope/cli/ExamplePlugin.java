package dev.superscope.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The example BLOOM plugin's jar, which the reactor builds before cli (examples/bloom/target), copied
 * into a plugin directory of its own as a user would: the cli tests reach the plugin only through
 * {@code --plugin-path}. Skips the test when the jar was not built (a cli-only build).
 */
final class ExamplePlugin {
    private ExamplePlugin() {
    }

    /** {@code dir} (created) holding the plugin's jar and nothing else. */
    static Path directory(Path dir) throws IOException {
        Path target = Cli.root().resolve("examples/bloom/target");
        Path jar;
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            jar = files.filter(p -> p.getFileName().toString().matches("bloom-architecture-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-tests.jar")).findFirst().orElse(null);
        }
        assumeTrue(jar != null, "examples/bloom jar not built (run 'mvn verify'); skipping");
        Files.createDirectories(dir);
        Files.copy(jar, dir.resolve(jar.getFileName()));
        return dir;
    }
}
