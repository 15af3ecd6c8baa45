/**
 * Reads PyTorch {@code torch.save} zip checkpoints ({@code .bin}, {@code .pt}, {@code .pth}) without
 * executing any pickle code.
 *
 * <p>{@link dev.superscope.checkpoints.torch.TorchZipStore} is the entry point. It locates entries with its
 * own zip reader ({@code ZipArchive}, which knows where each entry's bytes start so storages can be
 * memory-mapped), decodes {@code data.pkl} with a symbolic unpickler ({@code RestrictedUnpickler}) that
 * knows only the opcodes and the handful of globals a state dict needs and maps them to plain Java
 * records, then checks every tensor against the storage it points into. Matrices are handed out as
 * row-block views: mapped directly when row-major, gathered block by block when strided.
 */
package dev.superscope.checkpoints.torch;
