package dev.superscope.architectures.forward;

import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardSettings;

/** Forward passes as the commands get them: through the architecture registry. */
final class Forwards {
    static final ForwardSettings FLOAT64 = ForwardSettings.of(ForwardPrecision.FLOAT64);
    static final ForwardSettings FLOAT32 = ForwardSettings.of(ForwardPrecision.FLOAT32);
    static final Plugins PLUGINS = Plugins.discover(Forwards.class.getClassLoader());

    private Forwards() {
    }

    /** The float64 forward pass of the architecture its config.json asks for. */
    static ForwardModel detected(Checkpoint c) {
        return PLUGINS.architectureFor(c.config()).forward(c, FLOAT64);
    }

    /** The float64 forward pass of the architecture called {@code name}. */
    static ForwardModel named(String name, Checkpoint c) {
        return PLUGINS.architecture(name).forward(c, FLOAT64);
    }
}
