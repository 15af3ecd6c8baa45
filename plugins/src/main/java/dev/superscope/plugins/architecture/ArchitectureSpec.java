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

    /**
     * A spec built by naming its parts, starting from the loader's {@code name}: what is not given takes
     * the default most families share (see {@link Builder}).
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Builds an {@link ArchitectureSpec} part by part. Defaults: {@code model_type} the loader's name;
     * no {@code architectures}; the width keys the hidden-size keys (the embedding is not projected); no
     * head markers. The embedding names, the hidden-size keys and the tying default must be given.
     */
    public static final class Builder {
        private final String name;
        private List<String> modelTypes;
        private List<String> architectures = List.of();
        private List<String> embeddingNames = List.of();
        private List<String> headNames = List.of();
        private List<String> hiddenSizeKeys = List.of();
        private List<String> widthKeys;
        private Boolean tiedByDefault;
        private List<String> headMarkers = List.of();

        private Builder(String name) {
            this.name = name;
            this.modelTypes = List.of(name);
        }

        /** The config {@code model_type} values accepted (default: the loader's name alone). */
        public Builder modelTypes(String... types) {
            modelTypes = List.of(types);
            return this;
        }

        /** The config {@code architectures} entries accepted. */
        public Builder architectures(String... classes) {
            architectures = List.of(classes);
            return this;
        }

        /** The names the input embedding goes by, tried in order. */
        public Builder embeddingNames(String... names) {
            embeddingNames = List.of(names);
            return this;
        }

        /** The names a stored LM head goes by, tried in order. */
        public Builder headNames(String... names) {
            headNames = List.of(names);
            return this;
        }

        /** The config keys holding the hidden size, tried in order. */
        public Builder hiddenSizeKeys(String... keys) {
            hiddenSizeKeys = List.of(keys);
            return this;
        }

        /** The config keys holding the embedding's width, when it is projected (default: the hidden-size keys). */
        public Builder widthKeys(String... keys) {
            widthKeys = List.of(keys);
            return this;
        }

        /** What transformers assumes when config.json has no {@code tie_word_embeddings}. */
        public Builder tiedByDefault(boolean tied) {
            tiedByDefault = tied;
            return this;
        }

        /** Tensors only a checkpoint with the LM head stores (see {@link ArchitectureSpec#headMarkers}). */
        public Builder headMarkers(String... names) {
            headMarkers = List.of(names);
            return this;
        }

        /**
         * The spec.
         *
         * @throws IllegalArgumentException when the embedding names or hidden-size keys are missing
         * @throws IllegalStateException    when the tying default was not given
         */
        public ArchitectureSpec build() {
            if (tiedByDefault == null) {
                throw new IllegalStateException(name + ": say whether the LM head is tied by default");
            }
            return new ArchitectureSpec(name, Set.copyOf(modelTypes), Set.copyOf(architectures), embeddingNames,
                    headNames, hiddenSizeKeys, widthKeys == null ? hiddenSizeKeys : widthKeys, tiedByDefault,
                    headMarkers);
        }
    }

    /** True when the config's {@code model_type} or one of its {@code architectures} is this family's. */
    public boolean accepts(ModelConfig config) {
        return modelTypes.contains(config.modelType())
                || config.architectures().stream().anyMatch(architectures::contains);
    }
}
