package dev.superscope.checkpoints;

import dev.superscope.checkpoints.safetensors.SafetensorsStore;
import dev.superscope.checkpoints.torch.TorchZipStore;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.TensorStore;
import java.nio.file.Path;
import java.util.Locale;

/** Opens one weights file by its name: safetensors, a PyTorch zip, or a shard index. */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** True for the file names {@link #open} understands. */
    public static boolean isWeightsFile(String fileName) {
        return kind(fileName) != Kind.UNKNOWN;
    }

    /**
     * Opens {@code file}: {@code *.safetensors}, {@code *.bin} / {@code *.pt} / {@code *.pth} (PyTorch
     * zip, read without executing pickle code) or {@code *.index.json} (a sharded checkpoint).
     *
     * @throws BadInputException when the name says none of these or the file is malformed
     */
    public static TensorStore open(Path file) {
        switch (kind(file.getFileName().toString())) {
            case SAFETENSORS:
                return SafetensorsStore.open(file);
            case TORCH:
                return TorchZipStore.open(file);
            case INDEX:
                return ShardedTensorStore.open(file);
            default:
                throw new BadInputException(file, "is not a weights file (expected .safetensors, .bin, .pt, .pth"
                        + " or a shard .index.json)");
        }
    }

    /** Opens one shard named by an index: a safetensors or PyTorch file, never another index. */
    static TensorStore openShard(Path file) {
        Kind kind = kind(file.getFileName().toString());
        if (kind == Kind.SAFETENSORS) {
            return SafetensorsStore.open(file);
        }
        if (kind == Kind.TORCH) {
            return TorchZipStore.open(file);
        }
        throw new BadInputException(file, "is not a shard file (expected .safetensors, .bin, .pt or .pth)");
    }

    /** True for names a shard may have. */
    static boolean isShardName(String fileName) {
        Kind kind = kind(fileName);
        return kind == Kind.SAFETENSORS || kind == Kind.TORCH;
    }

    private enum Kind { SAFETENSORS, TORCH, INDEX, UNKNOWN }

    private static Kind kind(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".index.json")) {
            return Kind.INDEX;
        }
        if (name.endsWith(".safetensors")) {
            return Kind.SAFETENSORS;
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            return Kind.TORCH;
        }
        return Kind.UNKNOWN;
    }
}
