package dev.superscope.architectures.roberta;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * RoBERTa-layout encoders: RoBERTa, XLM-RoBERTa and CamemBERT, which transformers builds from the same
 * modules under the same names ({@code roberta.embeddings.word_embeddings.weight}, and the masked-LM head
 * {@code lm_head} with its decoder {@code lm_head.decoder.weight}, tied to the word embeddings by default
 * and then not saved; its bias and dense transform are). Without head and markers: a bare
 * {@code RobertaModel}, no unembedding. No forward pass.
 */
public final class RobertaArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("roberta")
            .modelTypes("roberta", "xlm-roberta", "camembert")
            .architectures("RobertaForMaskedLM", "RobertaForCausalLM", "RobertaModel", "XLMRobertaForMaskedLM",
                    "XLMRobertaForCausalLM", "XLMRobertaModel", "CamembertForMaskedLM", "CamembertForCausalLM",
                    "CamembertModel")
            .embeddingNames("roberta.embeddings.word_embeddings.weight", "embeddings.word_embeddings.weight")
            .headNames("lm_head.decoder.weight")
            .hiddenSizeKeys("hidden_size")
            .tiedByDefault(true)
            .headMarkers("lm_head.bias", "lm_head.dense.weight")
            .build();

    public RobertaArchitecture() {
        super(SPEC, "RoBERTa, XLM-R, CamemBERT (model_type roberta, xlm-roberta, camembert): word embeddings; "
                + "lm_head decoder tied to them");
    }
}
