/**
 * The built-in OPT loader, {@link dev.superscope.architectures.opt.OptLoader}: which tensors of a OPT
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.plugins.VocabularyMatrices}.
 */
package dev.superscope.architectures.opt;
