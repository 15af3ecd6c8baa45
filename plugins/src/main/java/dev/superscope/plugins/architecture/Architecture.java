package dev.superscope.plugins.architecture;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.ModelConfig;

/**
 * Everything Superscope knows about one family of model architectures: how to recognise its
 * config.json, which tensors are its embedding and LM head and how they tie ({@link #load}), and, when
 * it has one, its forward pass ({@link #forward}) for {@code logits} and {@code eval}.
 *
 * <p>Implementations are listed in {@code META-INF/services/dev.superscope.plugins.architecture.Architecture}
 * and need a public no-argument constructor that does no work. The built-in ones (and the BLOOM example
 * plugin) are one package each; {@link SpecArchitecture} with an {@link ArchitectureSpec} does the
 * tensor lookup and tying for an architecture described by names alone.
 */
public interface Architecture {

    /** A short unique name, e.g. {@code gpt2}; used by {@code --loader} and in reports' {@code loader} column. */
    String name();

    /** One line for {@code superscope plugins}. */
    String description();

    /** True when this architecture understands the checkpoint (by {@code model_type} or {@code architectures}). */
    boolean accepts(ModelConfig config);

    /**
     * Picks the vocabulary matrices out of {@code checkpoint}; computes nothing.
     *
     * @throws BadInputException when an expected tensor is missing or malformed
     */
    LoadedModel load(Checkpoint checkpoint);

    /** Whether {@link #forward} is implemented (listed by {@code superscope plugins}). */
    default boolean hasForwardPass() {
        return false;
    }

    /**
     * The model's forward pass over the weights of {@code checkpoint}, which stays open while the pass is
     * used; close the pass first.
     *
     * @throws BadInputException when this architecture has no forward pass, or its config or weights are
     *                           unusable
     */
    default ForwardModel forward(Checkpoint checkpoint, ForwardSettings settings) {
        throw new BadInputException(checkpoint.config().source(), "no forward pass for architecture \""
                + name() + "\" (" + checkpoint.config().architecture() + "): logits and eval need one; "
                + "the analyzers work without it");
    }
}
