package dev.superscope.plugins.architecture;

import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;

/** Makes an architecture's forward pass over a checkpoint's config and weights. */
@FunctionalInterface
public interface ForwardFactory {

    /**
     * The forward pass; it reads what it needs from {@code tensors} (which stays open while it is used).
     *
     * @throws dev.superscope.plugins.BadInputException when the config or the weights are unusable
     */
    ForwardModel create(ModelConfig config, TensorStore tensors, ForwardSettings settings);
}
