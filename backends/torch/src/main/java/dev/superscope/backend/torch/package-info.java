/**
 * The PyTorch compute backend, through DJL: {@link dev.superscope.backend.torch.TorchBackendProvider}
 * (name {@code torch}) implements the compute seam of {@code dev.superscope.plugins.compute} on the CPU
 * or a CUDA GPU, and {@link dev.superscope.backend.torch.TorchEngine} starts the engine for it and for
 * the forward passes ({@code forward}). Every DJL type of Superscope lives in this module and in the
 * architectures' forward passes built on it.
 */
package dev.superscope.backend.torch;
