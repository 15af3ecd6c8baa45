package dev.superscope.plugins;

import java.util.Arrays;

/**
 * What a checkpoint says about one tensor: its name, element type, shape, and the file it lives in.
 *
 * @param name   the tensor's name as stored (e.g. {@code transformer.wte.weight})
 * @param dtype  element type
 * @param shape  dimensions, outermost first (empty for a scalar)
 * @param source the file holding the tensor's bytes, for messages
 */
public record TensorInfo(String name, DType dtype, long[] shape, String source) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Product of the dimensions (1 for a scalar), or -1 on overflow. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /**
     * Rows of the tensor as {@link TensorStore#view} serves it (rank 1 or more): 1 for a 1-D tensor, the
     * first dimension otherwise.
     */
    public long viewRows() {
        return shape.length == 1 ? 1 : shape[0];
    }

    /**
     * Elements per row as {@link TensorStore#view} serves it (rank 1 or more): the whole of a 1-D tensor,
     * the product of the dimensions after the first otherwise; -1 on overflow.
     */
    public long viewCols() {
        long n = 1;
        for (int d = shape.length == 1 ? 0 : 1; d < shape.length; d++) {
            try {
                n = Math.multiplyExact(n, shape[d]);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /** Bytes the data occupies, or -1 on overflow. */
    public long byteSize() {
        long n = elementCount();
        return n < 0 ? -1 : dtype.bytesFor(n);
    }

    /** The shape as {@code [50257, 768]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && source.equals(t.source);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString();
    }
}
