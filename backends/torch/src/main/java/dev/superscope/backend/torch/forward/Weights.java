package dev.superscope.backend.torch.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.backend.torch.TorchEngine;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Named tensors of a checkpoint as engine arrays of one {@link ForwardPrecision}, shaped as stored.
 *
 * <p>A tensor is read through {@link TensorStore#view} in row blocks into a direct buffer: F32, F16 and
 * BF16 are decoded to float32 in Java (a BF16 engine array would abort the JVM), F64 is kept as float64,
 * and the engine then converts to the working precision in a copy it owns. A tensor is read once and kept
 * until {@link #release} frees it (a layer-by-layer pass releases each layer after using it) or
 * {@link #close}. Inside {@link #checkOnly} nothing is read: names, shapes and dtypes are only checked.
 */
public final class Weights implements AutoCloseable {
    private static final long ELEMENTS_PER_BLOCK = 1L << 20;

    private final TensorStore store;
    private final ForwardPrecision precision;
    private final NDManager manager;
    private final Map<String, NDArray> loaded = new HashMap<>();
    /** Direct buffers the engine reads in place; they must stay reachable as long as their arrays. */
    private final Map<String, ByteBuffer> buffers = new HashMap<>();
    private boolean checking;

    /** Weights of {@code store}, converted to the settings' precision, on their device. */
    public Weights(TensorStore store, ForwardSettings settings) {
        this.store = store;
        this.precision = settings.precision();
        this.manager = TorchEngine.start(settings.device(), settings.threads()).newManager();
    }

    /** The manager owning the weights; arrays made from it in a forward pass belong to an NDScope. */
    public NDManager manager() {
        return manager;
    }

    /** The working precision. */
    public ForwardPrecision precision() {
        return precision;
    }

    /** The engine data type of the working precision. */
    public DataType dataType() {
        return dataType(precision);
    }

    /** Whether the checkpoint holds {@code name}. */
    public boolean has(String name) {
        return store.contains(name);
    }

    /** The first of {@code names} the checkpoint holds. */
    public String firstPresent(String what, String... names) {
        for (String n : names) {
            if (store.contains(n)) {
                return n;
            }
        }
        throw new BadInputException(null, store.describe() + ": has no " + what + " (looked for "
                + String.join(", ", names) + ")");
    }

    /** The stored shape of {@code name}. */
    public long[] shape(String name) {
        return info(name).shape();
    }

    /**
     * The tensor {@code name} in the working precision, checked to have {@code expectedShape} (pass none
     * to accept any shape).
     *
     * @throws BadInputException when it is absent, of an undecodable dtype, or of another shape
     */
    public NDArray get(String name, long... expectedShape) {
        NDArray a = loaded.get(name);
        if (a == null && checking) {
            check(name, expectedShape);
            return null;
        }
        if (a == null) {
            a = read(name);
            loaded.put(name, a);
        }
        if (expectedShape.length > 0 && !a.getShape().equals(new Shape(expectedShape))) {
            throw new BadInputException(null, store.describe() + ": tensor \"" + name + "\" has shape "
                    + a.getShape() + ", expected " + new Shape(expectedShape));
        }
        return a;
    }

    /** {@link #get} when the checkpoint holds {@code name}, else null. */
    public NDArray optional(String name, long... expectedShape) {
        return has(name) ? get(name, expectedShape) : null;
    }

    /**
     * Runs {@code reads} with {@link #get} only checking each tensor it names (present, of the expected
     * shape, of a decodable dtype) and returning null instead of reading it: a constructor checks every
     * layer up front this way without holding them all.
     */
    public void checkOnly(Runnable reads) {
        checking = true;
        try {
            reads.run();
        } finally {
            checking = false;
        }
    }

    private void check(String name, long... expectedShape) {
        TensorInfo info = info(name);
        if (expectedShape.length > 0 && !new Shape(info.shape()).equals(new Shape(expectedShape))) {
            throw new BadInputException(null, store.describe() + ": tensor \"" + name + "\" has shape "
                    + new Shape(info.shape()) + ", expected " + new Shape(expectedShape));
        }
        Matrix rows = store.view(name);
        checkSize(name, rows);
    }

    private void checkSize(String name, Matrix rows) {
        long elements = rows.rows() * rows.cols();
        int size = rows.dtype() == DType.F64 ? 8 : 4;
        if (elements > (Integer.MAX_VALUE - 8) / size) {
            throw new BadInputException(null, store.describe() + ": tensor \"" + name + "\" has " + elements
                    + " elements, too many to hold at once for a forward pass");
        }
    }

    /** Frees every tensor read whose name starts with {@code prefix}; a later {@link #get} reads it again. */
    public void release(String prefix) {
        for (var it = loaded.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, NDArray> e = it.next();
            if (e.getKey().startsWith(prefix)) {
                e.getValue().close();
                buffers.remove(e.getKey());
                it.remove();
            }
        }
    }

    /** The names of the tensors held on the engine now. */
    public java.util.Set<String> resident() {
        return java.util.Set.copyOf(loaded.keySet());
    }

    private TensorInfo info(String name) {
        return store.find(name).orElseThrow(() -> new BadInputException(null,
                store.describe() + ": has no tensor \"" + name + "\", which the forward pass needs"));
    }

    private NDArray read(String name) {
        TensorInfo info = info(name);
        Matrix rows = store.view(name);
        checkSize(name, rows);
        long elements = rows.rows() * rows.cols();
        boolean wide = rows.dtype() == DType.F64;
        int size = wide ? 8 : 4;
        ByteBuffer data = ByteBuffer.allocateDirect((int) elements * size).order(ByteOrder.nativeOrder());
        int cols = Math.max(1, rows.cols());
        int block = (int) Math.max(1, ELEMENTS_PER_BLOCK / cols);
        FloatBuffer floats = data.asFloatBuffer();
        for (long first = 0; first < rows.rows(); first += block) {
            int count = (int) Math.min(block, rows.rows() - first);
            if (wide) {
                data.put(rows.rawRows(first, count).order(ByteOrder.LITTLE_ENDIAN));
            } else {
                rows.readRows(first, count, floats);
            }
        }
        data.clear();
        // Weights outlive any scope a forward pass opens.
        NDArray stored = manager.create(data, new Shape(info.shape()), wide ? DataType.FLOAT64 : DataType.FLOAT32);
        if (stored.getDataType() == dataType(precision)) {
            // The engine reads this direct buffer in place (no copy), and a same-type toType() would hand
            // back a second array over it that does not keep it reachable: once the buffer was collected,
            // float32 passes read freed memory (intermittent NaN). Keep the buffer for the weights' life.
            buffers.put(name, data);
            NDScope.unregister(stored);
            return stored;
        }
        NDArray converted = stored.toType(dataType(precision), true);
        stored.close();
        NDScope.unregister(converted);
        return converted;
    }

    /** The engine's data type for {@code precision}. */
    public static DataType dataType(ForwardPrecision precision) {
        return precision == ForwardPrecision.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    }

    /** Frees every tensor read. */
    @Override
    public void close() {
        loaded.clear();
        manager.close();
        buffers.clear();
    }
}
