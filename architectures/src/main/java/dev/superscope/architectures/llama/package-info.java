/**
 * The built-in Llama-style loader, {@link dev.superscope.architectures.llama.LlamaArchitecture}: which tensors of a Llama-style
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.plugins.architecture.VocabularyMatrices}.
 */
package dev.superscope.architectures.llama;
