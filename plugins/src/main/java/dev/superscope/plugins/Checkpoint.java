package dev.superscope.plugins;

import java.nio.file.Path;

/**
 * One opened checkpoint: its configuration, its tensors and its tokenizer files. Closing it closes the
 * tensor files.
 *
 * @param id        what the user named (a directory or a hub id), for messages and reports
 * @param directory the directory holding config.json and the weights
 * @param config    the parsed config.json
 * @param tensors   every tensor, across shards
 * @param tokenizer tokenizer files and vocabulary size, or {@link TokenizerInfo#none()}
 */
public record Checkpoint(String id, Path directory, ModelConfig config, TensorStore tensors,
                         TokenizerInfo tokenizer) implements AutoCloseable {

    @Override
    public void close() {
        tensors.close();
    }
}
