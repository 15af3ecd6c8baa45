package dev.superscope.cli;

import dev.superscope.checkpoints.CheckpointLocator;
import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.checkpoints.LoaderSelector;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelLoader;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.io.TerminalText;
import dev.superscope.checkpoints.hub.ConsoleDownloadProgress;
import dev.superscope.checkpoints.hub.HubCheckpoints;
import dev.superscope.checkpoints.hub.HubId;
import dev.superscope.checkpoints.hub.HubSettings;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns what the user typed (a directory, a file or a hub id) into an opened checkpoint and its loader. */
final class ModelOpener {
    private ModelOpener() {
    }

    /** Set while a command runs with {@code --offline}: only local files and caches are used. */
    private static volatile boolean forceOffline;

    /**
     * Opens the checkpoint named by {@code arg}; the caller closes it. An existing path opens as is; a hub
     * id opens from a complete snapshot in the Hugging Face cache, else from the hub, fetching only the
     * tensors read (see {@link HubCheckpoints}); settings come from the environment ({@link HubSettings}).
     */
    static Checkpoint checkpoint(String arg) {
        Optional<HubId> hubId = HubId.parse(arg);
        if (hubId.isEmpty() || Files.exists(usablePath(arg))) {
            Path location = CheckpointLocator.usingSystemCache().resolve(arg);
            return CheckpointOpener.open(location, arg);
        }
        HubSettings settings = HubSettings.fromProcess();
        if (forceOffline) {
            settings = settings.offlineCopy();
        }
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return HubCheckpoints.open(hubId.get(), arg, settings, ConsoleDownloadProgress.forConsole(err));
    }

    /** Longest path the system resolves (Linux's PATH_MAX). */
    static final int MAX_PATH_CHARS = 4096;

    /**
     * {@code arg} as a path, refused as bad input (exit 3, not an internal error) when no file can have
     * it: longer than the system allows, or holding a character no path may hold.
     */
    static Path usablePath(String arg) {
        if (arg.length() > MAX_PATH_CHARS) {
            throw new BadInputException(null, "the checkpoint path is " + arg.length() + " characters long, more"
                    + " than the " + MAX_PATH_CHARS + " a path may have: \"" + TerminalText.safe(arg, 80) + "\"");
        }
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            throw new BadInputException(null, "\"" + TerminalText.safe(arg, 200) + "\" is not a usable path: "
                    + e.getReason());
        }
    }

    /** Runs {@code body} with hub downloads forbidden when {@code offline} is set. */
    static <T> T withOffline(boolean offline, Supplier<T> body) {
        boolean before = forceOffline;
        forceOffline = offline || before;
        try {
            return body.get();
        } finally {
            forceOffline = before;
        }
    }

    /** The loader named {@code loaderName}, or the one that accepts the checkpoint's config. */
    static ModelLoader loaderFor(Checkpoint checkpoint, Plugins plugins, String loaderName) {
        return LoaderSelector.select(plugins, checkpoint, loaderName);
    }

    /** Loads the model; closes the checkpoint when loading fails. */
    static LoadedModel load(String arg, Plugins plugins, String loaderName) {
        Checkpoint checkpoint = checkpoint(arg);
        try {
            return loaderFor(checkpoint, plugins, loaderName).load(checkpoint);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }
}
