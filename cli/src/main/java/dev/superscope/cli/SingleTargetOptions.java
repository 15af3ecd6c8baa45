package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import picocli.CommandLine.Mixin;

/**
 * The options of a command that measures one checkpoint, {@code analyze} and {@code collisions}: how the
 * reports name it ({@link TargetOptions}) and, when {@code --tensor} names one, the tensor measured instead
 * of an architecture's matrices ({@link TensorOptions}).
 */
final class SingleTargetOptions {
    @Mixin
    TargetOptions naming;

    @Mixin
    TensorOptions tensor;

    /** The target for the checkpoint at {@code location}, as these options describe it. */
    Target target(String location) {
        return tensor.apply(naming.target(location));
    }
}
