package dev.superscope.architectures.llama;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * Llama-style checkpoints: Llama, Qwen2 (Qwen2.5) and Mistral. The token embedding
 * {@code embed_tokens} (with or without the {@code model.} prefix) and {@code lm_head.weight}; the head
 * is tied only when {@code tie_word_embeddings} says so (it defaults to false for all three, and is
 * true in e.g. Qwen2.5 0.5B-3B and SmolLM2).
 */
public final class LlamaArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("llama")
            .modelTypes("llama", "qwen2", "mistral")
            .architectures("LlamaForCausalLM", "LlamaModel", "Qwen2ForCausalLM", "Qwen2Model",
                    "MistralForCausalLM", "MistralModel")
            .embeddingNames("model.embed_tokens.weight", "embed_tokens.weight")
            .headNames("lm_head.weight")
            .hiddenSizeKeys("hidden_size")
            .tiedByDefault(false)
            .build();

    public LlamaArchitecture() {
        super(SPEC, "Llama, Qwen2 and Mistral (model_type llama, qwen2, mistral): embed_tokens, lm_head",
                (config, tensors, settings) -> new LlamaForward(config, tensors, settings));
    }
}
