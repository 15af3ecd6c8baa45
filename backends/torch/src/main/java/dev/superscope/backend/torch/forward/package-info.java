/**
 * The toolkit forward passes are built from, on DJL's PyTorch engine: the layer-by-layer decoder pass
 * ({@link dev.superscope.backend.torch.forward.DecoderForward}), its building blocks
 * ({@link dev.superscope.backend.torch.forward.Layers}, {@link dev.superscope.backend.torch.forward.Rotary},
 * {@link dev.superscope.backend.torch.forward.Activations}), a checkpoint's weights as engine arrays
 * ({@link dev.superscope.backend.torch.forward.Weights}) and config keys with transformers' defaults
 * ({@link dev.superscope.backend.torch.forward.ConfigValues}). An architecture's own forward pass lives
 * in its package (the built-in ones in the {@code architectures} module, a plugin's in its jar) and
 * implements {@link dev.superscope.plugins.architecture.ForwardModel} by extending
 * {@code DecoderForward}.
 */
package dev.superscope.backend.torch.forward;
