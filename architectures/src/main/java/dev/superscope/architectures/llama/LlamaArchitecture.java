package dev.superscope.architectures.llama;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;
import java.util.List;
import java.util.Set;

/**
 * Llama-style checkpoints: Llama, Qwen2 (Qwen2.5) and Mistral. The token embedding
 * {@code embed_tokens} (with or without the {@code model.} prefix) and {@code lm_head.weight}; the head
 * is tied only when {@code tie_word_embeddings} says so (it defaults to false for all three, and is
 * true in e.g. Qwen2.5 0.5B-3B and SmolLM2).
 */
public final class LlamaArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = new ArchitectureSpec("llama",
            Set.of("llama", "qwen2", "mistral"),
            Set.of("LlamaForCausalLM", "LlamaModel", "Qwen2ForCausalLM", "Qwen2Model",
                    "MistralForCausalLM", "MistralModel"),
            List.of("model.embed_tokens.weight", "embed_tokens.weight"),
            List.of("lm_head.weight"),
            List.of("hidden_size"),
            List.of("hidden_size"),
            false);

    public LlamaArchitecture() {
        super(SPEC, "Llama, Qwen2 and Mistral (model_type llama, qwen2, mistral): embed_tokens, lm_head",
                (config, tensors, settings) -> new LlamaForward(config, tensors, settings));
    }
}
