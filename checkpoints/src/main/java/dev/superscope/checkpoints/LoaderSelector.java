package dev.superscope.checkpoints;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.ModelLoader;
import dev.superscope.plugins.Plugins;

/** Chooses the loader for a checkpoint: the one the user named, else the one its config.json asks for. */
public final class LoaderSelector {
    private LoaderSelector() {
    }

    /**
     * The loader for {@code checkpoint}.
     *
     * @param loaderName the loader the user named ({@code --loader}), or null to detect it
     * @throws BadInputException when config.json is missing (nothing to detect from), or no loader or
     *                           several loaders accept it (the message lists the loaders there are)
     * @throws dev.superscope.plugins.SuperscopeException (usage) when {@code loaderName} is unknown
     */
    public static ModelLoader select(Plugins plugins, Checkpoint checkpoint, String loaderName) {
        if (loaderName != null) {
            return plugins.loader(loaderName);
        }
        if (!CheckpointOpener.hasConfigFile(checkpoint.config())) {
            throw new BadInputException(checkpoint.config().source(), "is missing, so the architecture is"
                    + " unknown; name a loader with --loader (loaders available: "
                    + String.join(", ", plugins.loaders().keySet()) + ")");
        }
        return plugins.loaderFor(checkpoint.config());
    }
}
