package dev.superscope.architectures.gpt2;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;
import java.util.List;
import java.util.Set;

/**
 * GPT-2 and GPT-2-format checkpoints (OpenAI GPT-2, Cerebras-GPT, DistilGPT2): the token embedding
 * {@code wte} (with or without the {@code transformer.} prefix) and the LM head, which GPT-2 ties to it
 * ({@code tie_word_embeddings} defaults to true; a stored {@code lm_head.weight} is used when present).
 */
public final class Gpt2Architecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = new ArchitectureSpec("gpt2",
            Set.of("gpt2"),
            Set.of("GPT2LMHeadModel", "GPT2Model"),
            List.of("transformer.wte.weight", "wte.weight"),
            List.of("lm_head.weight"),
            List.of("n_embd", "hidden_size"),
            List.of("n_embd", "hidden_size"),
            true);

    public Gpt2Architecture() {
        super(SPEC, "GPT-2 family (model_type gpt2): wte, LM head tied to it",
                (config, tensors, settings) -> new Gpt2Forward(config, tensors, settings));
    }
}
