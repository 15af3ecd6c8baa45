package dev.superscope.backend.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.plugins.compute.Tile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A compute scope over one {@link NDManager}: child scopes are sub-managers, and closing the scope
 * closes the manager, which frees every array made in it or its children.
 */
final class TorchScope implements ComputeScope {
    private final NDManager manager;
    /**
     * The direct buffers that arrays of this scope read in place: PyTorch does not keep them reachable,
     * so the scope does until it closes (a collected buffer under a live array reads freed memory).
     */
    private final List<ByteBuffer> pinned = new ArrayList<>();

    TorchScope(NDManager manager) {
        this.manager = manager;
    }

    /** The manager, checked to be open. */
    NDManager manager() {
        if (!manager.isOpen()) {
            throw new IllegalStateException("this compute scope is closed");
        }
        return manager;
    }

    @Override
    public ComputeScope newChild() {
        return new TorchScope(manager().newSubManager());
    }

    @Override
    public DeviceRows rows(FloatRows block) {
        ByteBuffer data = block.data().duplicate().order(block.data().order()).position(0)
                .limit((int) block.byteSize()).slice().order(block.data().order());
        NDArray array = manager().create(data, new Shape(block.rows(), block.cols()), DataType.FLOAT32);
        if (data.isDirect()) {
            pinned.add(data);
        }
        return new TorchRows(array, block.rows(), block.cols());
    }

    @Override
    public GramSum newGram(int cols) {
        return new PanelledGram(manager(), cols);
    }

    @Override
    public Tile newTile(int maxRows, int maxCols) {
        manager();
        return new TorchTile(this, maxRows, maxCols);
    }

    @Override
    public void close() {
        manager.close();
        pinned.clear();
    }
}
