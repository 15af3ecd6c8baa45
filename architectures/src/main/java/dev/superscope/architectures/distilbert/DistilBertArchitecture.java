package dev.superscope.architectures.distilbert;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * DistilBERT (model_type {@code distilbert}): the word embeddings
 * {@code distilbert.embeddings.word_embeddings.weight} and the masked-LM projection
 * {@code vocab_projector.weight}, tied to them by default and then not saved (its bias, and the
 * {@code vocab_transform} and {@code vocab_layer_norm} before it, are). The width is config.json's
 * {@code dim}. Without head and markers: a bare {@code DistilBertModel}. No forward pass.
 */
public final class DistilBertArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("distilbert")
            .architectures("DistilBertForMaskedLM", "DistilBertModel")
            .embeddingNames("distilbert.embeddings.word_embeddings.weight", "embeddings.word_embeddings.weight")
            .headNames("vocab_projector.weight")
            .hiddenSizeKeys("dim", "hidden_size")
            .tiedByDefault(true)
            .headMarkers("vocab_projector.bias", "vocab_transform.weight", "vocab_layer_norm.weight")
            .build();

    public DistilBertArchitecture() {
        super(SPEC, "DistilBERT (model_type distilbert): word embeddings; vocab_projector tied to them");
    }
}
