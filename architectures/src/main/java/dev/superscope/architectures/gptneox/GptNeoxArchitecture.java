package dev.superscope.architectures.gptneox;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * GPT-NeoX checkpoints (Pythia): the input embedding {@code embed_in} (with or without the
 * {@code gpt_neox.} prefix) and the separate LM head {@code embed_out}
 * ({@code tie_word_embeddings} defaults to false). Pythia pads its 50277 token ids to 50304 rows.
 */
public final class GptNeoxArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("gpt_neox")
            .architectures("GPTNeoXForCausalLM", "GPTNeoXModel")
            .embeddingNames("gpt_neox.embed_in.weight", "embed_in.weight")
            .headNames("embed_out.weight")
            .hiddenSizeKeys("hidden_size")
            .tiedByDefault(false)
            .build();

    public GptNeoxArchitecture() {
        super(SPEC, "GPT-NeoX / Pythia (model_type gpt_neox): embed_in, untied embed_out",
                (config, tensors, settings) -> new GptNeoxForward(config, tensors, settings));
    }
}
