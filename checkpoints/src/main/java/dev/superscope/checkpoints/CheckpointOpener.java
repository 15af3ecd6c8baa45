package dev.superscope.checkpoints;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.TokenizerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Opens a checkpoint from a directory or from one weights file: its config.json, its tensors and its
 * tokenizer files.
 *
 * <p>In a directory the weights are chosen as transformers chooses them, safetensors before PyTorch:
 * {@code model.safetensors}, {@code model.safetensors.index.json}, {@code pytorch_model.bin},
 * {@code pytorch_model.bin.index.json}; failing those, the single {@code *.safetensors.index.json},
 * else the single {@code *.safetensors}, else the single {@code *.bin.index.json}, else the single
 * {@code *.bin}. Several candidates of one kind are an error asking the user to name the file.
 *
 * <p>A file path opens just that file (or that index) with config.json and the tokenizer from its
 * directory. A checkpoint without config.json still opens, with an empty {@link ModelConfig} whose
 * source is the missing file ({@link ModelConfig#fromFile()} is false), so its tensors can be inspected;
 * the architecture must then be named.
 */
public final class CheckpointOpener {
    static final String CONFIG = "config.json";
    private static final List<String> STANDARD_WEIGHTS = List.of("model.safetensors",
            "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json");

    private CheckpointOpener() {
    }

    /**
     * Opens {@code dirOrFile}.
     *
     * @param id what the user called it (a path or a hub id), kept for messages and reports
     * @throws BadInputException when config.json is malformed, no weights file can be chosen, or the
     *                           weights are malformed
     */
    public static Checkpoint open(Path dirOrFile, String id) {
        Path weights = weightsFile(dirOrFile);
        Path directory = weights.toAbsolutePath().getParent();
        ModelConfig config = readConfig(directory);
        TokenizerInfo tokenizer = TokenizerFiles.read(directory);
        TensorStore tensors = TensorFiles.open(weights);
        return new Checkpoint(id, directory, config, tensors, tokenizer);
    }

    /**
     * The weights file {@link #open} would read: {@code dirOrFile} itself when it is a file, else the
     * one chosen in the directory by the rules above.
     */
    public static Path weightsFile(Path dirOrFile) {
        if (Files.isRegularFile(dirOrFile)) {
            if (!TensorFiles.isWeightsFile(dirOrFile.getFileName().toString())) {
                throw new BadInputException(dirOrFile, "is not a weights file (expected .safetensors, .bin, .pt,"
                        + " .pth or a shard .index.json) nor a checkpoint directory");
            }
            return dirOrFile;
        }
        if (!Files.isDirectory(dirOrFile)) {
            throw new BadInputException(dirOrFile, "no such file or directory");
        }
        for (String name : STANDARD_WEIGHTS) {
            Path candidate = dirOrFile.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        List<Path> files = regularFiles(dirOrFile);
        for (Predicate<String> kind : List.<Predicate<String>>of(
                n -> n.endsWith(".safetensors.index.json"),
                n -> n.endsWith(".safetensors"),
                n -> n.endsWith(".bin.index.json"),
                n -> n.endsWith(".bin") && !n.equals("training_args.bin"))) {
            List<Path> matching = files.stream()
                    .filter(f -> kind.test(f.getFileName().toString().toLowerCase(Locale.ROOT))).toList();
            if (matching.size() == 1) {
                return matching.get(0);
            }
            if (matching.size() > 1) {
                throw new BadInputException(dirOrFile, "holds several candidate weights files ("
                        + String.join(", ", matching.stream().map(f -> f.getFileName().toString()).toList())
                        + "); name the one to open");
            }
        }
        throw new BadInputException(dirOrFile, "holds no weights: expected model.safetensors,"
                + " model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json,"
                + " or a single *.safetensors or *.bin file");
    }

    /**
     * The config.json of {@code directory} as a {@link ModelConfig}; an empty one (sourced from the
     * missing path) when there is none.
     *
     * @throws BadInputException when it is not a JSON object, is malformed, or repeats a key
     */
    public static ModelConfig readConfig(Path directory) {
        Path file = directory.resolve(CONFIG);
        if (!Files.exists(file)) {
            return new ModelConfig(Map.of(), file);
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, "is not a regular file");
        }
        return new ModelConfig(JsonFiles.readObject(file), file);
    }

    private static List<Path> regularFiles(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(dir, "cannot be listed: " + e.getMessage(), e);
        }
    }
}
