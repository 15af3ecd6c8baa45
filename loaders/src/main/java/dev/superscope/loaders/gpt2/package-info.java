/**
 * The built-in GPT-2 loader, {@link dev.superscope.loaders.gpt2.Gpt2Loader}: which tensors of a GPT-2
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.loaders.common.VocabularyMatrices}.
 */
package dev.superscope.loaders.gpt2;
