/**
 * The built-in Llama-style loader, {@link dev.superscope.architectures.llama.LlamaLoader}: which tensors of a Llama-style
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.plugins.VocabularyMatrices}.
 */
package dev.superscope.architectures.llama;
