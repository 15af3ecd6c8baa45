package dev.superscope.architectures.opt;

import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;
import java.util.List;
import java.util.Set;

/**
 * OPT checkpoints: the token embedding {@code embed_tokens} (under {@code model.decoder.} or
 * {@code decoder.}) and the LM head, tied to it by default. OPT-350m projects its 512-wide embedding to
 * a 1024-wide hidden state, so m (the matrix width, {@code word_embed_proj_dim}) differs from the hidden
 * size there.
 */
public final class OptArchitecture extends SpecArchitecture {
    static final ArchitectureSpec SPEC = new ArchitectureSpec("opt",
            Set.of("opt"),
            Set.of("OPTForCausalLM", "OPTModel"),
            List.of("model.decoder.embed_tokens.weight", "decoder.embed_tokens.weight"),
            List.of("lm_head.weight"),
            List.of("hidden_size"),
            List.of("word_embed_proj_dim", "hidden_size"),
            true);

    public OptArchitecture() {
        super(SPEC, "OPT family (model_type opt): embed_tokens, LM head tied to it",
                (config, tensors, settings) -> new OptForward(config, tensors, settings));
    }
}
