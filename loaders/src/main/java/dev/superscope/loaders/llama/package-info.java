/**
 * The built-in Llama-style loader, {@link dev.superscope.loaders.llama.LlamaLoader}: which tensors of a Llama-style
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.loaders.common.VocabularyMatrices}.
 */
package dev.superscope.loaders.llama;
