package dev.superscope.backend.torch;

import ai.djl.ndarray.NDArray;
import dev.superscope.plugins.compute.DeviceRows;

/** A row block as a FLOAT32 engine array (rows x cols), owned by the scope that made it. */
record TorchRows(NDArray array, int rows, int cols) implements DeviceRows {

    /** The array behind {@code rows}, which must come from this backend. */
    static NDArray arrayOf(DeviceRows rows) {
        if (rows instanceof TorchRows t) {
            if (t.array.isReleased()) {
                throw new IllegalStateException("these rows belong to a closed compute scope");
            }
            return t.array;
        }
        throw new IllegalArgumentException("rows from another backend: " + rows.getClass().getName());
    }
}
