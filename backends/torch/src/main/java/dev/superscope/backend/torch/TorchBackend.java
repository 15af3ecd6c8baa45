package dev.superscope.backend.torch;

import ai.djl.ndarray.NDManager;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.Device;

/** A started PyTorch backend: one root manager, which every scope descends from. */
final class TorchBackend implements Backend {
    private final TorchEngine engine;
    private final ComputePrecision precision;
    private final NDManager root;

    TorchBackend(TorchEngine engine, ComputePrecision precision) {
        this.engine = engine;
        this.precision = precision;
        this.root = engine.newManager();
    }

    @Override
    public String name() {
        return "torch";
    }

    @Override
    public String describe() {
        return "torch: " + engine.describe();
    }

    @Override
    public Device device() {
        return engine.device();
    }

    @Override
    public ComputePrecision precision() {
        return precision;
    }

    @Override
    public ComputeScope newScope() {
        return new TorchScope(root.newSubManager());
    }

    @Override
    public void close() {
        root.close();
    }
}
