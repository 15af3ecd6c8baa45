package dev.superscope.checkpoints;

import dev.superscope.checkpoints.hub.HubId;
import dev.superscope.checkpoints.hub.HuggingFaceCache;
import dev.superscope.plugins.BadInputException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns what the user typed into a checkpoint path: an existing file or directory is used as is; an
 * argument shaped like {@code org/name} or {@code org/name@revision} is looked up in the local Hugging
 * Face cache; anything else is an error.
 */
public final class CheckpointLocator {
    private final HuggingFaceCache cache;

    /** A locator that looks hub ids up in {@code cache}. */
    public CheckpointLocator(HuggingFaceCache cache) {
        this.cache = cache;
    }

    /** A locator over the cache this process's environment points at. */
    public static CheckpointLocator usingSystemCache() {
        return new CheckpointLocator(HuggingFaceCache.fromSystemEnvironment());
    }

    /**
     * The local path for {@code arg}.
     *
     * @throws BadInputException when {@code arg} is neither an existing path nor a hub id in the cache
     *                           (the message says where the cache was searched)
     */
    public Path resolve(String arg) {
        Optional<Path> local = existingPath(arg);
        if (local.isPresent()) {
            return local.get();
        }
        Optional<HubId> id = HubId.parse(arg);
        if (id.isEmpty()) {
            throw new BadInputException(null, "\"" + arg + "\" is neither an existing file or directory nor a"
                    + " Hugging Face id of the form org/name or org/name@revision");
        }
        try {
            return cache.snapshot(id.get());
        } catch (BadInputException miss) {
            throw new BadInputException(miss.file(), miss.reason() + " (there is no local path \"" + arg
                    + "\" either)", miss);
        }
    }

    private static Optional<Path> existingPath(String arg) {
        if (arg.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path p = Path.of(arg);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
