package dev.superscope.plugins;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.ModelLoader;

/**
 * A loader described entirely by a {@link LoaderSpec}: the built-in architectures differ only in their
 * names, tensor names and tying default, so each is this class with its own spec.
 */
public abstract class SpecLoader implements ModelLoader {
    private final LoaderSpec spec;
    private final String description;

    protected SpecLoader(LoaderSpec spec, String description) {
        this.spec = spec;
        this.description = description;
    }

    /** The spec this loader follows. */
    public final LoaderSpec spec() {
        return spec;
    }

    @Override
    public final String name() {
        return spec.name();
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final boolean accepts(ModelConfig config) {
        return spec.accepts(config);
    }

    @Override
    public final LoadedModel load(Checkpoint checkpoint) {
        return VocabularyMatrices.load(checkpoint, spec);
    }
}
