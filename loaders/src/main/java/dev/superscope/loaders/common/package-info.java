/**
 * What the built-in loaders share: {@link dev.superscope.loaders.common.LoaderSpec} describes one
 * family (config names, tensor-name alternatives, tying default) and
 * {@link dev.superscope.loaders.common.VocabularyMatrices} turns a checkpoint and a spec into a
 * {@link dev.superscope.plugins.LoadedModel}, so each loader is a few lines of data.
 */
package dev.superscope.loaders.common;
