/**
 * Opening checkpoints: finding one ({@link dev.superscope.checkpoints.CheckpointLocator}),
 * choosing its weights files and reading its config.json and tokenizer files
 * ({@link dev.superscope.checkpoints.CheckpointOpener},
 * {@link dev.superscope.checkpoints.TokenizerFiles}) and sharded checkpoints
 * ({@link dev.superscope.checkpoints.ShardedTensorStore}). The formats are subpackages
 * ({@code safetensors}, {@code torch}), and so is the Hugging Face hub and cache ({@code hub}).
 *
 * <p>Every malformed or unsafe file becomes a one-line
 * {@link dev.superscope.plugins.BadInputException} naming it. JSON is read strictly (a repeated key is
 * an error), and shard files are opened only when a tensor in them is needed.
 */
package dev.superscope.checkpoints;
