package dev.superscope.architectures.bert;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * BERT encoders (model_type {@code bert}: {@code BertForMaskedLM}, {@code BertForPreTraining},
 * {@code BertLMHeadModel}, {@code BertModel} and the task heads built on it). The embedding is the word
 * embedding; the unembedding is the masked-LM decoder {@code cls.predictions.decoder.weight}, which
 * transformers ties to the word embedding ({@code tie_word_embeddings} defaults to true) and so drops from
 * the files it saves, keeping the head's bias and transform. A checkpoint with neither the decoder nor
 * those is a bare encoder with no unembedding. The {@code bert.} prefix is absent when a bare
 * {@code BertModel} was saved. No forward pass: {@code logits} and {@code eval} are for causal LMs.
 */
public final class BertArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("bert")
            .architectures("BertForMaskedLM", "BertForPreTraining", "BertLMHeadModel", "BertModel")
            .embeddingNames("bert.embeddings.word_embeddings.weight", "embeddings.word_embeddings.weight")
            .headNames("cls.predictions.decoder.weight")
            .hiddenSizeKeys("hidden_size")
            .tiedByDefault(true)
            .headMarkers("cls.predictions.bias", "cls.predictions.transform.dense.weight")
            .build();

    public BertArchitecture() {
        super(SPEC, "BERT encoders (model_type bert): word embeddings; MLM decoder tied to them (none in a bare BertModel)");
    }
}
