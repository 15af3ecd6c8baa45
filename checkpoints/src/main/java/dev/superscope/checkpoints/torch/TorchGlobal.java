package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.DType;
import java.util.HashMap;
import java.util.Map;

/**
 * One of the few pickle globals a state dict may reference. Nothing is ever looked up by reflection:
 * a {@code GLOBAL}/{@code STACK_GLOBAL} opcode resolves to one of these records or is refused.
 *
 * @param module the Python module, e.g. {@code torch._utils}
 * @param name   the attribute, e.g. {@code _rebuild_tensor_v2}
 * @param kind   what the unpickler does with it
 * @param dtype  the element type, for storage classes and dtype objects; null otherwise
 */
record TorchGlobal(String module, String name, Kind kind, DType dtype) {

    /** What a global stands for. */
    enum Kind {
        /** {@code collections.OrderedDict}: callable with no arguments (or a list of pairs). */
        ORDERED_DICT,
        /** {@code torch._utils._rebuild_tensor_v2} and {@code _rebuild_tensor}. */
        REBUILD_TENSOR,
        /** {@code torch._utils._rebuild_tensor_v3}: like v2 with the tensor dtype as 7th argument. */
        REBUILD_TENSOR_V3,
        /** {@code torch._utils._rebuild_parameter(_with_state)}: unwraps to its tensor. */
        REBUILD_PARAMETER,
        /** A typed storage class such as {@code torch.FloatStorage} (data only, never called). */
        STORAGE_TYPE,
        /** {@code torch.UntypedStorage}: storage of raw bytes (data only). */
        UNTYPED_STORAGE,
        /** A dtype object such as {@code torch.float32} (data only). */
        DTYPE,
        /** {@code torch.Size}: callable with one tuple. */
        SIZE,
        /** {@code torch.device}: callable with a type string and an optional index. */
        DEVICE
    }

    private static final Map<String, TorchGlobal> ALLOWED = new HashMap<>();

    static {
        allow("collections", "OrderedDict", Kind.ORDERED_DICT, null);
        allow("torch._utils", "_rebuild_tensor", Kind.REBUILD_TENSOR, null);
        allow("torch._utils", "_rebuild_tensor_v2", Kind.REBUILD_TENSOR, null);
        allow("torch._utils", "_rebuild_tensor_v3", Kind.REBUILD_TENSOR_V3, null);
        allow("torch._utils", "_rebuild_parameter", Kind.REBUILD_PARAMETER, null);
        allow("torch._utils", "_rebuild_parameter_with_state", Kind.REBUILD_PARAMETER, null);
        allow("torch", "Size", Kind.SIZE, null);
        allow("torch", "device", Kind.DEVICE, null);
        allow("torch", "UntypedStorage", Kind.UNTYPED_STORAGE, DType.U8);
        allow("torch.storage", "UntypedStorage", Kind.UNTYPED_STORAGE, DType.U8);

        storage("FloatStorage", DType.F32);
        storage("HalfStorage", DType.F16);
        storage("BFloat16Storage", DType.BF16);
        storage("DoubleStorage", DType.F64);
        storage("LongStorage", DType.I64);
        storage("IntStorage", DType.I32);
        storage("ShortStorage", DType.I16);
        storage("CharStorage", DType.I8);
        storage("ByteStorage", DType.U8);
        storage("BoolStorage", DType.BOOL);

        // Dtype objects pickle as globals of the torch module; both spellings of each are real.
        dtype(DType.F32, "float32", "float");
        dtype(DType.F16, "float16", "half");
        dtype(DType.BF16, "bfloat16");
        dtype(DType.F64, "float64", "double");
        dtype(DType.I64, "int64", "long");
        dtype(DType.I32, "int32", "int");
        dtype(DType.I16, "int16", "short");
        dtype(DType.I8, "int8");
        dtype(DType.U8, "uint8");
        dtype(DType.U16, "uint16");
        dtype(DType.U32, "uint32");
        dtype(DType.U64, "uint64");
        dtype(DType.BOOL, "bool");
        dtype(DType.C64, "complex64", "cfloat");
        dtype(DType.F8_E5M2, "float8_e5m2");
        dtype(DType.F8_E4M3, "float8_e4m3fn");
        dtype(DType.F8_E8M0, "float8_e8m0fnu");
    }

    private static void allow(String module, String name, Kind kind, DType dtype) {
        ALLOWED.put(key(module, name), new TorchGlobal(module, name, kind, dtype));
    }

    private static void storage(String name, DType dtype) {
        allow("torch", name, Kind.STORAGE_TYPE, dtype);
    }

    private static void dtype(DType dtype, String... names) {
        for (String name : names) {
            allow("torch", name, Kind.DTYPE, dtype);
        }
    }

    /** The allowed global {@code module.name}, or null when it is not one a state dict needs. */
    static TorchGlobal resolve(String module, String name) {
        return ALLOWED.get(key(module, name));
    }

    // A separator that cannot occur in either part, so "torch" + "_utils.x" never matches "torch._utils" + "x".
    private static String key(String module, String name) {
        return module + '\0' + name;
    }

    /** {@code module.name}, as Python spells it. */
    String qualifiedName() {
        return module + "." + name;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
