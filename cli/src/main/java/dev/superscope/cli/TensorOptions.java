package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import picocli.CommandLine.Option;

/**
 * {@code --tensor NAME [--transpose]}, shared by {@code analyze}, {@code inspect} and {@code collisions}:
 * analyse one named 2-D tensor instead of an architecture's matrices, in any checkpoint, with or without
 * config.json.
 */
final class TensorOptions {
    @Option(names = "--tensor", paramLabel = "NAME", description = "Analyse exactly this 2-D tensor (rows = vocabulary "
            + "entries) of any safetensors or .bin file or checkpoint, no architecture or config.json needed.")
    String tensor;

    @Option(names = "--transpose", description = "The --tensor is stored m x n: analyse its columns as the rows.")
    boolean transpose;

    /** {@code target} analysing the named tensor, when one was named. */
    Target apply(Target target) {
        if (tensor == null && !transpose) {
            return target;
        }
        return new Target(target.name(), target.family(), target.location(), target.architecture(), target.losses(),
                tensor, transpose, target.revision());
    }
}
