/**
 * The built-in OPT loader, {@link dev.superscope.architectures.opt.OptArchitecture}: which tensors of a OPT
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.plugins.architecture.VocabularyMatrices}.
 */
package dev.superscope.architectures.opt;
