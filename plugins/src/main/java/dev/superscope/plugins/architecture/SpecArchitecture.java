package dev.superscope.plugins.architecture;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelConfig;

/**
 * An architecture described by an {@link ArchitectureSpec} (how to recognise it, its tensor names, its
 * tying default) and, optionally, a {@link ForwardFactory}: the built-in architectures, and most
 * plugins, are this class with their own spec and forward pass. Tensor lookup, tying and the checks on
 * them are {@link VocabularyMatrices}'.
 */
public abstract class SpecArchitecture implements Architecture {
    private final ArchitectureSpec spec;
    private final String description;
    private final ForwardFactory forward;

    /** An architecture without a forward pass (the analyzers work; {@code logits} and {@code eval} do not). */
    protected SpecArchitecture(ArchitectureSpec spec, String description) {
        this(spec, description, null);
    }

    /**
     * An architecture whose forward pass {@code forward} makes. Pass a lambda rather than a constructor
     * reference: the forward pass's classes (and its engine) then load only when a pass is asked for.
     */
    protected SpecArchitecture(ArchitectureSpec spec, String description, ForwardFactory forward) {
        this.spec = spec;
        this.description = description;
        this.forward = forward;
    }

    /** The spec this architecture follows. */
    public final ArchitectureSpec spec() {
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

    @Override
    public final boolean hasForwardPass() {
        return forward != null;
    }

    @Override
    public final ForwardModel forward(Checkpoint checkpoint, ForwardSettings settings) {
        if (forward == null) {
            return Architecture.super.forward(checkpoint, settings);
        }
        return forward.create(checkpoint.config(), checkpoint.tensors(), settings);
    }
}
