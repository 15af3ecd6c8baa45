package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a single checkpoint named on the command line appears in the reports: {@code --name},
 * {@code --family} and {@code --loader}, shared by {@code analyze}, {@code collisions} and {@code eval}.
 */
final class TargetOptions {
    @Option(names = "--name", description = "Name in the reports (default: the hub id or directory name).")
    String name;

    @Option(names = "--family", description = "Family in the reports (default: the name).")
    String family;

    @Option(names = "--loader", paramLabel = "NAME", description = "Use this architecture instead of detecting one.")
    String loader;

    /** True when any of the options was given. */
    boolean anyGiven() {
        return name != null || family != null || loader != null;
    }

    /** The target for the checkpoint at {@code location}, with these options or their defaults. */
    Target target(String location) {
        String modelName = name != null ? name : defaultName(location);
        return Target.of(modelName, family != null ? family : modelName, location, loader);
    }

    /** A local checkpoint is named after its directory (or file); a hub id is its own name. */
    static String defaultName(String location) {
        Path p;
        try {
            p = Path.of(location).normalize();
        } catch (java.nio.file.InvalidPathException notAPath) {
            return location; // opening it says why
        }
        if (p.toFile().exists()) {
            Path fileName = p.toAbsolutePath().normalize().getFileName();
            return fileName == null ? location : fileName.toString();
        }
        return location;
    }
}
