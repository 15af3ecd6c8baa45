package dev.superscope.cli;

import dev.superscope.loaders.checkpoint.CheckpointLocator;
import dev.superscope.loaders.checkpoint.CheckpointOpener;
import dev.superscope.loaders.checkpoint.LoaderSelector;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelLoader;
import dev.superscope.plugins.Plugins;
import java.nio.file.Path;

/** Turns what the user typed (a directory, a file or a hub id) into an opened checkpoint and its loader. */
final class ModelOpener {
    private ModelOpener() {
    }

    /** Opens the checkpoint named by {@code arg}; the caller closes it. */
    static Checkpoint checkpoint(String arg) {
        Path location = CheckpointLocator.usingSystemCache().resolve(arg);
        return CheckpointOpener.open(location, arg);
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
