package dev.superscope.backend.blas;

import dev.superscope.plugins.SuperscopeException;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * oneDNN's matmul with bfloat16 inputs and float32 output: the BF16 products of this backend, because the
 * OpenBLAS build on Maven Central has no {@code sbgemm} and oneDNN picks its BF16 dot-product kernels
 * (AVX-512 BF16, AMX) by the CPU's features, not its vendor. Measured on this project's Zen 4 machine, a
 * 16384-row Gram of width 2048 ran at 1.6-1.8x oneDNN's own float32 rate (backends/blas/README.md).
 *
 * <p>Touching the binding's classes loads the native library, so only {@link #load()} and what runs
 * after it may name them. Each product builds its descriptors inside a javacpp {@link PointerScope} that
 * frees them when it returns; oneDNN's primitive cache makes rebuilding one of a shape seen before cheap.
 * A stream per call keeps the engine (which is thread-safe) the only shared object.
 */
final class OneDnn implements AutoCloseable {
    /**
     * oneDNN's ISA bits for AVX-512 with BF16 dot products; its AMX and AVX10 levels include them. (A
     * compile-time constant: javac copies it here, so naming it loads nothing.)
     */
    private static final int BF16_ISA = dnnl.dnnl_cpu_isa_avx512_core_bf16;

    private final engine cpu;
    private final String description;

    private OneDnn(engine cpu, String description) {
        this.cpu = cpu;
        this.description = description;
    }

    /**
     * Loads oneDNN and checks that this CPU has BF16 dot products.
     *
     * @throws SuperscopeException when the library cannot load (1) or the CPU lacks BF16 (usage, 2)
     */
    static OneDnn load() {
        try {
            Loader.load(dnnl.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new SuperscopeException(1, "cannot load oneDNN for " + NativeFiles.platform() + ": "
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim(), e);
        }
        int isa = dnnl.dnnl_get_effective_cpu_isa();
        if ((isa & BF16_ISA) != BF16_ISA) {
            throw new SuperscopeException(SuperscopeException.USAGE, Bf16Support.NO_BF16_CPU);
        }
        dnnl_version_t v = dnnl.dnnl_version();
        String version = "oneDNN " + v.major() + "." + v.minor() + "." + v.patch();
        return new OneDnn(new engine(engine.kind.cpu, 0), version + " matmul, " + isaName(isa));
    }

    /** Library, version and kernel level, for {@code describe()}. */
    String describe() {
        return description;
    }

    /**
     * C = A B in float32, A and B bfloat16, each given by its first element and its strides in elements
     * (row stride, column stride), so that a transposed operand is the same memory read another way.
     *
     * @param a     A, rows x depth
     * @param b     B, depth x cols
     * @param c     C, rows x cols, row-major with row stride {@code ldc}
     */
    void multiply(long rows, long depth, long cols, Pointer a, long aRowStride, long aColStride,
                  Pointer b, long bRowStride, long bColStride, Pointer c, long ldc) {
        try (PointerScope scope = new PointerScope()) {
            memory.desc aDesc = new memory.desc(new long[] {rows, depth}, memory.data_type.bf16, new long[] {aRowStride, aColStride});
            memory.desc bDesc = new memory.desc(new long[] {depth, cols}, memory.data_type.bf16, new long[] {bRowStride, bColStride});
            memory.desc cDesc = new memory.desc(new long[] {rows, cols}, memory.data_type.f32, new long[] {ldc, 1});
            matmul product = new matmul(new matmul.primitive_desc(cpu, aDesc, bDesc, cDesc));
            IntMemoryMap args = new IntMemoryMap();
            args.put(dnnl.DNNL_ARG_SRC, new memory(aDesc, cpu, a));
            args.put(dnnl.DNNL_ARG_WEIGHTS, new memory(bDesc, cpu, b));
            args.put(dnnl.DNNL_ARG_DST, new memory(cDesc, cpu, c));
            stream s = new stream(cpu);
            product.execute(s, args);
            s._wait();
        }
    }

    @Override
    public void close() {
        cpu.close();
    }

    private static String isaName(int isa) {
        if ((isa & dnnl.dnnl_cpu_isa_avx512_core_amx) == dnnl.dnnl_cpu_isa_avx512_core_amx) {
            return "AMX kernels";
        }
        return "AVX-512 BF16 kernels";
    }
}
