/**
 * The built-in GPT-NeoX loader, {@link dev.superscope.architectures.gptneox.GptNeoxArchitecture}: which tensors of a GPT-NeoX
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.plugins.architecture.VocabularyMatrices}.
 */
package dev.superscope.architectures.gptneox;
