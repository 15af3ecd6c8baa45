package dev.superscope.architectures.opt;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;

/**
 * OPT checkpoints: the token embedding {@code embed_tokens} (under {@code model.decoder.} or
 * {@code decoder.}) and the LM head, tied to it by default. OPT-350m projects its 512-wide embedding to
 * a 1024-wide hidden state, so m (the matrix width, {@code word_embed_proj_dim}) differs from the hidden
 * size there.
 */
public final class OptArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = ArchitectureSpec.builder("opt")
            .architectures("OPTForCausalLM", "OPTModel")
            .embeddingNames("model.decoder.embed_tokens.weight", "decoder.embed_tokens.weight")
            .headNames("lm_head.weight")
            .hiddenSizeKeys("hidden_size")
            .widthKeys("word_embed_proj_dim", "hidden_size")
            .tiedByDefault(true)
            .build();

    public OptArchitecture() {
        super(SPEC, "OPT family (model_type opt): embed_tokens, LM head tied to it",
                (config, tensors, settings) -> new OptForward(config, tensors, settings));
    }
}
