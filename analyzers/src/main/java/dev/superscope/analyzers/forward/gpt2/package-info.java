/**
 * The GPT-2 forward pass ({@code model_type gpt2}: GPT-2, Cerebras-GPT, DistilGPT-2): learned positions,
 * pre-layer-norm blocks and {@code Conv1D} projections stored {@code [in, out]}.
 */
package dev.superscope.analyzers.forward.gpt2;
