package dev.superscope.plugins.architecture;

import dev.superscope.plugins.ModelConfig;
import java.util.List;
import java.util.Set;

/**
 * What a built-in loader needs to know about one family of architectures: how to recognise its
 * config.json, what its vocabulary tensors are called, and whether it ties its LM head by default.
 *
 * @param name            the loader's name ({@code gpt2}, {@code opt}, ...)
 * @param modelTypes      config {@code model_type} values it accepts
 * @param architectures   config {@code architectures} entries it accepts
 * @param embeddingNames  names the input embedding goes by, tried in order (prefix variants)
 * @param headNames       names a stored LM head goes by, tried in order (may be absent when tied)
 * @param hiddenSizeKeys  config keys holding the transformer's hidden size, tried in order
 * @param widthKeys       config keys holding the embedding's width (differs from the hidden size when
 *                        the embedding is projected, as in OPT-350m), tried in order
 * @param tiedByDefault   what transformers assumes when config.json has no {@code tie_word_embeddings}
 * @param headMarkers     tensors that only a checkpoint with the LM head stores besides the head's own
 *                        weight (an encoder's masked-LM bias and transform), telling a model whose tied head
 *                        is not stored ({@code BertForMaskedLM}) from a bare model without one
 *                        ({@code BertModel}); empty when every checkpoint of the family has a head
 */
public record ArchitectureSpec(String name, Set<String> modelTypes, Set<String> architectures,
                         List<String> embeddingNames, List<String> headNames, List<String> hiddenSizeKeys,
                         List<String> widthKeys, boolean tiedByDefault, List<String> headMarkers) {

    public ArchitectureSpec {
        modelTypes = Set.copyOf(modelTypes);
        architectures = Set.copyOf(architectures);
        embeddingNames = List.copyOf(embeddingNames);
        headNames = List.copyOf(headNames);
        hiddenSizeKeys = List.copyOf(hiddenSizeKeys);
        widthKeys = List.copyOf(widthKeys);
        headMarkers = List.copyOf(headMarkers);
        if (embeddingNames.isEmpty() || hiddenSizeKeys.isEmpty()) {
            throw new IllegalArgumentException("a loader needs embedding names and hidden-size keys");
        }
    }

    /** A family every checkpoint of which has an LM head (the decoders): no head markers. */
    public ArchitectureSpec(String name, Set<String> modelTypes, Set<String> architectures,
                            List<String> embeddingNames, List<String> headNames, List<String> hiddenSizeKeys,
                            List<String> widthKeys, boolean tiedByDefault) {
        this(name, modelTypes, architectures, embeddingNames, headNames, hiddenSizeKeys, widthKeys, tiedByDefault,
                List.of());
    }

    /** True when the config's {@code model_type} or one of its {@code architectures} is this family's. */
    public boolean accepts(ModelConfig config) {
        return modelTypes.contains(config.modelType())
                || config.architectures().stream().anyMatch(architectures::contains);
    }
}
