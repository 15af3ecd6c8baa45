package dev.superscope.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchitectureSpecTest {
    @Test
    void theBuilderFillsInWhatMostFamiliesShare() {
        ArchitectureSpec built = ArchitectureSpec.builder("gpt2")
                .architectures("GPT2LMHeadModel")
                .embeddingNames("wte.weight")
                .headNames("lm_head.weight")
                .hiddenSizeKeys("n_embd", "hidden_size")
                .tiedByDefault(true)
                .build();
        assertEquals(new ArchitectureSpec("gpt2", Set.of("gpt2"), Set.of("GPT2LMHeadModel"), List.of("wte.weight"),
                List.of("lm_head.weight"), List.of("n_embd", "hidden_size"), List.of("n_embd", "hidden_size"), true,
                List.of()), built);
    }

    @Test
    void whatIsGivenReplacesTheDefaults() {
        ArchitectureSpec built = ArchitectureSpec.builder("opt")
                .modelTypes("opt", "opt-like")
                .embeddingNames("embed_tokens.weight")
                .hiddenSizeKeys("hidden_size")
                .widthKeys("word_embed_proj_dim", "hidden_size")
                .tiedByDefault(false)
                .headMarkers("lm_head.bias")
                .build();
        assertEquals(new ArchitectureSpec("opt", Set.of("opt", "opt-like"), Set.of(), List.of("embed_tokens.weight"),
                List.of(), List.of("hidden_size"), List.of("word_embed_proj_dim", "hidden_size"), false,
                List.of("lm_head.bias")), built);
    }

    @Test
    void theTyingDefaultAndTheEmbeddingMustBeGiven() {
        assertThrows(IllegalStateException.class, () -> ArchitectureSpec.builder("x").embeddingNames("e")
                .hiddenSizeKeys("hidden_size").build());
        assertThrows(IllegalArgumentException.class, () -> ArchitectureSpec.builder("x").hiddenSizeKeys("hidden_size")
                .tiedByDefault(true).build());
    }
}
