package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The Java values a restricted unpickle produces, besides the plain ones ({@code null} for None,
 * {@link Boolean}, {@link Long} or {@link java.math.BigInteger} for int, {@link Double}, {@link String},
 * {@link java.util.ArrayList} for list and {@link java.util.LinkedHashMap} for dict and OrderedDict,
 * whose keys are {@link Key}s). Every torch object a state dict holds becomes one of these records;
 * none is a live Python object.
 *
 * <p>Containers may share structure (the memo lets one value appear many times) and may contain
 * themselves, so nothing here compares, hashes or prints a container deeply: tuples compare by
 * identity and describe themselves by size.
 */
final class PickleValues {
    private PickleValues() {
    }

    /**
     * A Python tuple (immutable; may hold nulls, unlike {@link List#of}). Compared by identity: tuples
     * are never dict keys here, and comparing shared structure deeply costs exponential time.
     */
    record Tuple(List<Object> items) {
        Tuple {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "tuple of " + items.size();
        }

        static Tuple of(Object... items) {
            return new Tuple(Arrays.asList(items));
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }
    }

    /**
     * A dict key: the scalars a state dict's keys are (str, int, and the bool, float and None Python
     * allows beside them). Keys order totally, first by kind, then by value, so a hash map of them stays
     * fast however many keys a hostile pickle makes collide: Java's hash map falls back to comparing
     * keys of one class, and all keys are of this class.
     *
     * @param value a {@link String}, {@link Long}, {@link java.math.BigInteger}, {@link Double},
     *              {@link Boolean}, or null
     */
    record Key(Object value) implements Comparable<Key> {
        Key {
            if (rank(value) < 0) {
                throw new IllegalArgumentException("not a dict key: " + describe(value));
            }
        }

        /** True for a value that can be a key. */
        static boolean allowed(Object value) {
            return rank(value) >= 0;
        }

        @Override
        public int compareTo(Key other) {
            int byKind = Integer.compare(rank(value), rank(other.value));
            if (byKind != 0 || value == null) {
                return byKind;
            }
            if (value instanceof String s) {
                return s.compareTo((String) other.value);
            }
            if (value instanceof Double d) {
                return Double.compare(d, (Double) other.value);
            }
            if (value instanceof Boolean b) {
                return Boolean.compare(b, (Boolean) other.value);
            }
            if (value instanceof Long a && other.value instanceof Long b) {
                return Long.compare(a, b);
            }
            return integer(value).compareTo(integer(other.value));
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }

        private static java.math.BigInteger integer(Object v) {
            return v instanceof Long l ? java.math.BigInteger.valueOf(l) : (java.math.BigInteger) v;
        }

        private static int rank(Object v) {
            if (v == null) {
                return 0;
            }
            if (v instanceof Boolean) {
                return 1;
            }
            if (v instanceof Long || v instanceof java.math.BigInteger) {
                return 2;
            }
            if (v instanceof Double) {
                return 3;
            }
            return v instanceof String ? 4 : -1;
        }
    }

    /** A Python bytes object. */
    record Bytes(byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "bytes[" + data.length + "]";
        }
    }

    /** A {@code torch.device(type[, index])}. */
    record Device(String type, Long index) {
    }

    /**
     * A storage named by a persistent id {@code ('storage', type, key, location, numel)}: the bytes of
     * zip entry {@code <archive>/data/<key>}.
     *
     * @param key      the storage key (the entry name under {@code data/})
     * @param dtype    element type of the storage ({@link DType#U8} for an untyped storage)
     * @param location where it lived when saved ({@code cpu}, {@code cuda:0}); informational
     * @param numel    elements the pickle says the storage holds
     */
    record StorageRef(String key, DType dtype, String location, long numel) {
    }

    /**
     * A tensor as {@code _rebuild_tensor_v2} (or v3) describes it: a strided view of a storage.
     *
     * @param storage the storage it views
     * @param dtype   its element type (the storage's, or v3's explicit dtype)
     * @param offset  storage offset in elements of {@code dtype}
     * @param shape   sizes, outermost first
     * @param stride  strides in elements, one per dimension
     */
    record TensorRef(StorageRef storage, DType dtype, long offset, long[] shape, long[] stride) {
        TensorRef {
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

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorRef t && storage.equals(t.storage) && dtype == t.dtype && offset == t.offset
                    && Arrays.equals(shape, t.shape) && Arrays.equals(stride, t.stride);
        }

        @Override
        public int hashCode() {
            return (storage.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(stride);
        }

        @Override
        public String toString() {
            return "tensor " + dtype + Arrays.toString(shape) + " stride " + Arrays.toString(stride) + " offset "
                    + offset + " of storage " + storage.key();
        }
    }

    /** A short description of a value's type for messages (never its contents, which may be huge or cyclic). */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof TorchGlobal g) {
            return g.qualifiedName();
        }
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Long || value instanceof java.math.BigInteger) {
            return "int";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof java.util.List) {
            return "list";
        }
        if (value instanceof java.util.Map) {
            return "dict";
        }
        if (value instanceof Tuple t) {
            return "tuple of " + t.size();
        }
        if (value instanceof Bytes) {
            return "bytes";
        }
        if (value instanceof StorageRef) {
            return "storage";
        }
        if (value instanceof TensorRef) {
            return "tensor";
        }
        if (value instanceof Device) {
            return "torch.device";
        }
        return value.getClass().getSimpleName();
    }
}
