/**
 * Opening checkpoints: finding one ({@link dev.superscope.checkpoints.CheckpointLocator}),
 * choosing its weights files and reading its config.json and tokenizer files
 * ({@link dev.superscope.checkpoints.CheckpointOpener},
 * {@link dev.superscope.checkpoints.TokenizerFiles}), sharded checkpoints
 * ({@link dev.superscope.checkpoints.ShardedTensorStore}) and choosing the loader
 * ({@link dev.superscope.checkpoints.LoaderSelector}).
 *
 * <p>Every malformed or unsafe file becomes a one-line
 * {@link dev.superscope.plugins.BadInputException} naming it. JSON is read strictly (a repeated key is
 * an error), and shard files are opened only when a tensor in them is needed.
 */
package dev.superscope.checkpoints;
