package dev.superscope.architectures.gpt2;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * GPT-2 and GPT-2-format checkpoints (OpenAI GPT-2, Cerebras-GPT, DistilGPT2): the token embedding
 * {@code wte} (with or without the {@code transformer.} prefix) and the LM head, which GPT-2 ties to it
 * ({@code tie_word_embeddings} defaults to true; a stored {@code lm_head.weight} is used when present).
 */
public final class Gpt2Architecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("gpt2")
            .architectures("GPT2LMHeadModel", "GPT2Model")
            .embeddingNames("transformer.wte.weight", "wte.weight")
            .headNames("lm_head.weight")
            .hiddenSizeKeys("n_embd", "hidden_size")
            .tiedByDefault(true)
            .build();

    public Gpt2Architecture() {
        super(SPEC, "GPT-2 family (model_type gpt2): wte, LM head tied to it",
                (config, tensors, settings) -> new Gpt2Forward(config, tensors, settings));
    }
}
