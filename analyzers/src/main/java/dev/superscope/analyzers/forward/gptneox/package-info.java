/**
 * The GPT-NeoX forward pass ({@code model_type gpt_neox}: Pythia, GPT-NeoX-20B): a fused QKV projection
 * laid out per head, partial rotary embeddings, and parallel or sequential residuals.
 */
package dev.superscope.analyzers.forward.gptneox;
