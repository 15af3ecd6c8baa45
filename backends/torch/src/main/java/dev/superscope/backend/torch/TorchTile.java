package dev.superscope.backend.torch;

import ai.djl.ndarray.NDArray;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.Tile;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Tiles C = A B^T by the engine's matmul. DJL has no output argument, so each product is a new array;
 * the previous one is closed first, so a tile holds one product at a time. On the CPU the returned
 * buffer is a view of the engine's memory (no copy); on a GPU, a copy on the host.
 */
final class TorchTile implements Tile {
    private final TorchScope scope;
    private final int maxRows;
    private final int maxCols;
    private NDArray product;

    TorchTile(TorchScope scope, int maxRows, int maxCols) {
        this.scope = scope;
        this.maxRows = maxRows;
        this.maxCols = maxCols;
    }

    @Override
    public FloatBuffer multiply(DeviceRows a, DeviceRows b) {
        if (a.rows() > maxRows || b.rows() > maxCols || a.cols() != b.cols()) {
            throw new IllegalArgumentException("a " + a.rows() + " x " + b.rows() + " product of width "
                    + a.cols() + "/" + b.cols() + " does not fit a " + maxRows + " x " + maxCols + " tile");
        }
        if (product != null) {
            product.close();
            product = null;
        }
        scope.manager();
        NDArray left = TorchRows.arrayOf(a);
        try (NDArray right = TorchRows.arrayOf(b).transpose()) {
            product = left.matMul(right);
        }
        return product.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
