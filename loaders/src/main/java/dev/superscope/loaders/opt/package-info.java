/**
 * The built-in OPT loader, {@link dev.superscope.loaders.opt.OptLoader}: which tensors of a OPT
 * checkpoint are the token embedding and the LM head. The shared rules (name alternatives, tying) are
 * in {@link dev.superscope.loaders.common.VocabularyMatrices}.
 */
package dev.superscope.loaders.opt;
