/**
 * Opening checkpoints: finding one ({@link dev.superscope.loaders.checkpoint.CheckpointLocator}),
 * choosing its weights files and reading its config.json and tokenizer files
 * ({@link dev.superscope.loaders.checkpoint.CheckpointOpener},
 * {@link dev.superscope.loaders.checkpoint.TokenizerFiles}), sharded checkpoints
 * ({@link dev.superscope.loaders.checkpoint.ShardedTensorStore}) and choosing the loader
 * ({@link dev.superscope.loaders.checkpoint.LoaderSelector}).
 *
 * <p>Every malformed or unsafe file becomes a one-line
 * {@link dev.superscope.plugins.BadInputException} naming it. JSON is read strictly (a repeated key is
 * an error), and shard files are opened only when a tensor in them is needed.
 */
package dev.superscope.loaders.checkpoint;
