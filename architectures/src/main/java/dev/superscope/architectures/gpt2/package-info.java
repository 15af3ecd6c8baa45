/**
 * The built-in GPT-2 loader, {@link dev.superscope.architectures.gpt2.Gpt2Architecture}: which tensors of a GPT-2
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.plugins.architecture.VocabularyMatrices}.
 */
package dev.superscope.architectures.gpt2;
