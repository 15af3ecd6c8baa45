package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.DType;
import java.util.Arrays;

/**
 * Where a tensor of a torch.save checkpoint lies inside its storage: torch tensors are strided views,
 * so unlike safetensors the element order on disk is not always row-major.
 *
 * @param name          the tensor's dotted name
 * @param dtype         element type
 * @param shape         sizes, outermost first
 * @param stride        step in elements between neighbours along each dimension
 * @param storageOffset elements of the storage before the tensor's first element
 * @param storageKey    the storage's key (its zip entry is {@code <archive>/data/<key>})
 */
public record TensorLayout(String name, DType dtype, long[] shape, long[] stride, long storageOffset,
                           String storageKey) {

    public TensorLayout {
        shape = shape.clone();
        stride = stride.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    /** Number of elements (1 for a 0-d tensor). Validated not to overflow when the store opened. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * True when the elements are laid out row-major without gaps (strides of size-1 dimensions do not
     * matter, as in torch's {@code is_contiguous}).
     */
    public boolean isContiguous() {
        if (elementCount() == 0) {
            return true;
        }
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * True when no two indices reach the same element: taking the dimensions of more than one element
     * from the smallest stride up, each stride is beyond the farthest offset the ones before it reach.
     * A stride-0 view (an expanded tensor, saved as torch.save saves it: one stored row seen as many) and
     * overlapping windows fail; so, conservatively, would an exotic interleaving that does not overlap.
     * An empty tensor never overlaps.
     */
    public boolean isNonOverlapping() {
        if (elementCount() == 0) {
            return true;
        }
        Integer[] dims = java.util.stream.IntStream.range(0, shape.length).filter(i -> shape[i] > 1).boxed()
                .sorted(java.util.Comparator.comparingLong(i -> stride[i])).toArray(Integer[]::new);
        long farthest = 0; // offset of the last element the smaller dimensions reach
        for (int d : dims) {
            if (stride[d] <= farthest) {
                return false;
            }
            farthest += (shape[d] - 1) * stride[d]; // within the storage, checked when the store opened
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorLayout t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && Arrays.equals(stride, t.stride)
                && storageOffset == t.storageOffset && storageKey.equals(t.storageKey);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(stride);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " stride " + Arrays.toString(stride)
                + " offset " + storageOffset + " in storage " + storageKey;
    }
}
