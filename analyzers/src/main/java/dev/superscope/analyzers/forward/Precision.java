package dev.superscope.analyzers.forward;

import ai.djl.ndarray.types.DataType;

/**
 * The floating type a forward pass computes in: float64 reproduces transformers' float64 logits to
 * round-off (the choice for checking and for small models); float32 halves memory and time for big ones.
 */
public enum Precision {
    FLOAT32(DataType.FLOAT32),
    FLOAT64(DataType.FLOAT64);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The engine's data type for this precision. */
    public DataType dataType() {
        return dataType;
    }
}
