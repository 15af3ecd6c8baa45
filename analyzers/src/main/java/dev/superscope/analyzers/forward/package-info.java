/**
 * Forward passes of decoder-only language models on the DJL PyTorch engine, from a checkpoint's own
 * weights: the shared building blocks ({@link dev.superscope.analyzers.forward.Layers},
 * {@link dev.superscope.analyzers.forward.Rotary}, {@link dev.superscope.analyzers.forward.Weights}),
 * the {@link dev.superscope.analyzers.forward.ForwardModel} contract, and the factory
 * {@link dev.superscope.analyzers.forward.ForwardModels} that picks an architecture. Each architecture
 * lives in a sub-package and follows its Hugging Face transformers implementation exactly, with
 * transformers' defaults for keys a {@code config.json} leaves out, so its logits can be checked
 * against transformers' own.
 */
package dev.superscope.analyzers.forward;
