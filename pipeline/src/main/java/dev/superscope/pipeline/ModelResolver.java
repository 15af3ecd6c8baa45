package dev.superscope.pipeline;

import dev.superscope.checkpoints.CheckpointLocator;
import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.checkpoints.hub.DownloadListener;
import dev.superscope.checkpoints.hub.HubCheckpoints;
import dev.superscope.checkpoints.hub.HubId;
import dev.superscope.checkpoints.hub.HubSettings;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.io.TerminalText;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.pipeline.tensor.NamedTensor;
import dev.superscope.plugins.architecture.Architecture;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns what the user named (a directory, a file or a hub id) into an opened checkpoint and its
 * architecture's matrices. Offline mode is a setting of the {@link HubSettings} it was made with
 * ({@code --offline} or {@code HF_HUB_OFFLINE=1}), not a global switch.
 */
public final class ModelResolver {
    private final Plugins plugins;
    private final HubSettings hub;
    private final DownloadListener downloads;

    /**
     * A resolver finding architectures in {@code plugins}, reaching the hub (or only the caches) as
     * {@code hub} says, and reporting downloads to {@code downloads}.
     */
    public ModelResolver(Plugins plugins, HubSettings hub, DownloadListener downloads) {
        this.plugins = plugins;
        this.hub = hub;
        this.downloads = downloads;
    }

    /** The plugins it resolves architectures with. */
    public Plugins plugins() {
        return plugins;
    }

    /** The hub settings it opens hub ids with. */
    public HubSettings hub() {
        return hub;
    }

    /**
     * Opens the checkpoint named by {@code location}; the caller closes it. An existing path opens as
     * is; a hub id opens from a complete snapshot in the Hugging Face cache, else from the hub, fetching
     * only the tensors read (see {@link HubCheckpoints}).
     */
    public Checkpoint open(String location) {
        Optional<HubId> hubId = HubId.parse(location);
        if (hubId.isEmpty() || Files.exists(usablePath(location))) {
            Path resolved = new CheckpointLocator(hub.hfCache()).resolve(location);
            return CheckpointOpener.open(resolved, location);
        }
        return HubCheckpoints.open(hubId.get(), location, hub, downloads);
    }

    /** Longest path the system resolves (Linux's PATH_MAX). */
    static final int MAX_PATH_CHARS = 4096;

    /**
     * {@code location} as a path, refused as bad input (exit 3, not an internal error) when no file can
     * have it: longer than the system allows, or holding a character no path may hold.
     */
    static Path usablePath(String location) {
        if (location.length() > MAX_PATH_CHARS) {
            throw new BadInputException(null, "the checkpoint path is " + location.length() + " characters long, more"
                    + " than the " + MAX_PATH_CHARS + " a path may have: \"" + TerminalText.safe(location, 80) + "\"");
        }
        try {
            return Path.of(location);
        } catch (InvalidPathException e) {
            throw new BadInputException(null, "\"" + TerminalText.safe(location, 200) + "\" is not a usable path: "
                    + e.getReason());
        }
    }

    /** The architecture named {@code name} (null: the one the checkpoint's config asks for). */
    public Architecture architectureFor(Checkpoint checkpoint, String name) {
        return plugins.architectureFor(checkpoint, name);
    }

    /**
     * Opens and loads what {@code target} names: the tensor it names ({@link NamedTensor}), else its
     * architecture's matrices; closes the checkpoint when loading fails.
     *
     * @throws SuperscopeException (usage) when it names a tensor and an architecture, or asks to transpose
     *                             without naming a tensor
     */
    public LoadedModel load(Target target) {
        if (target.tensor() == null) {
            if (target.transpose()) {
                throw new SuperscopeException(SuperscopeException.USAGE, "--transpose applies to a tensor named "
                        + "with --tensor");
            }
            return load(target.location(), target.architecture());
        }
        if (target.architecture() != null) {
            throw new SuperscopeException(SuperscopeException.USAGE, "name a tensor (--tensor) or an architecture"
                    + " (--loader), not both: a named tensor is analysed without an architecture");
        }
        Checkpoint checkpoint = open(target.location());
        try {
            return NamedTensor.load(checkpoint, target.tensor(), target.transpose());
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /** Opens and loads the model; closes the checkpoint when loading fails. */
    public LoadedModel load(String location, String architecture) {
        Checkpoint checkpoint = open(location);
        try {
            return architectureFor(checkpoint, architecture).load(checkpoint);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }
}
