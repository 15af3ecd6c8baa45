package dev.superscope.plugins;

/**
 * Finds the embedding and LM-head matrices of one family of architectures. Implementations are listed
 * in {@code META-INF/services/dev.superscope.plugins.ModelLoader} and need a public no-argument
 * constructor. A loader never computes anything; it only says which tensors are which.
 */
public interface ModelLoader {

    /** A short unique name, e.g. {@code gpt2}; used by {@code --loader} and in reports. */
    String name();

    /** One line for {@code superscope plugins}. */
    String description();

    /** True when this loader understands the checkpoint (by {@code model_type} or {@code architectures}). */
    boolean accepts(ModelConfig config);

    /**
     * Picks the matrices out of {@code checkpoint}.
     *
     * @throws BadInputException when an expected tensor is missing or malformed
     */
    LoadedModel load(Checkpoint checkpoint);
}
