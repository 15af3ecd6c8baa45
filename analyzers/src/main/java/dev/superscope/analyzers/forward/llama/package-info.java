/**
 * The Llama-family forward pass ({@code model_type llama, qwen2, mistral}): RMSNorm, rotary embeddings,
 * a SwiGLU MLP and grouped-query attention, with Qwen2's q/k/v biases and Mistral's sliding window.
 */
package dev.superscope.analyzers.forward.llama;
