package dev.superscope.examples.bloom;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * BLOOM checkpoints ({@code model_type} bloom), as a third party adds an architecture: a spec and a
 * forward pass. The token embedding is {@code word_embeddings.weight}, under {@code transformer.} when
 * saved from {@code BloomForCausalLM} and bare when saved from {@code BloomModel} (as the bigscience
 * repositories are); the LM head is tied to it unless config.json says {@code "tie_word_embeddings":
 * false}, and a stored {@code lm_head.weight} is analysed when there is one. Finding the tensors and the
 * tying rules are {@link dev.superscope.plugins.architecture.VocabularyMatrices}'; the forward pass is
 * {@link BloomForward}.
 */
public final class BloomArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("bloom")
            .architectures("BloomForCausalLM", "BloomModel")
            .embeddingNames("transformer.word_embeddings.weight", "word_embeddings.weight")
            .headNames("lm_head.weight")
            // transformers' BloomConfig reads an older config's n_embed in preference to hidden_size.
            .hiddenSizeKeys("n_embed", "hidden_size")
            .tiedByDefault(true)
            .build();

    public BloomArchitecture() {
        // A lambda, not BloomForward::new: the forward pass's classes load only when a pass is asked for.
        super(SPEC, "BLOOM (model_type bloom): word_embeddings, LM head tied to it; ALiBi forward pass (example plugin)",
                (config, tensors, settings) -> new BloomForward(config, tensors, settings));
    }
}
