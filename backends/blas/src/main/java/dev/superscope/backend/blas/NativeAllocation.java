package dev.superscope.backend.blas;

import dev.superscope.plugins.SuperscopeException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * One block of native memory that a {@link BlasScope} owns and frees when it closes.
 *
 * <p>Taken with {@code malloc} and given back with {@code free}, not as javacpp's garbage-collected
 * pointers: the scope decides when memory goes, and javacpp's own accounting (which counts against the
 * Java heap limit and calls {@code System.gc()} when the process's resident size, memory-mapped heads
 * included, looks large) does not get a say in an m x m float64 Gram sum of half a gigabyte.
 */
final class NativeAllocation {
    private final long bytes;
    private final MemoryLedger ledger;
    private Pointer raw;

    private NativeAllocation(Pointer raw, long bytes, MemoryLedger ledger) {
        this.raw = raw;
        this.bytes = bytes;
        this.ledger = ledger;
    }

    /** {@code count} floats (uninitialised). */
    static NativeAllocation floats(long count, MemoryLedger ledger, String what) {
        return allocate(count * Float.BYTES, ledger, what);
    }

    /** {@code count} bfloat16 values (uninitialised). */
    static NativeAllocation bfloat16s(long count, MemoryLedger ledger, String what) {
        return allocate(count * Short.BYTES, ledger, what);
    }

    /** {@code count} doubles (uninitialised). */
    static NativeAllocation doubles(long count, MemoryLedger ledger, String what) {
        return allocate(count * Double.BYTES, ledger, what);
    }

    private static NativeAllocation allocate(long bytes, MemoryLedger ledger, String what) {
        Pointer raw = Pointer.malloc(Math.max(1, bytes));
        if (raw == null || raw.isNull()) {
            throw new SuperscopeException(1, "out of native memory: " + what + " needs " + bytes + " bytes");
        }
        ledger.allocated(bytes);
        return new NativeAllocation(raw, bytes, ledger);
    }

    /** Bytes held. */
    long bytes() {
        return bytes;
    }

    /** The memory as floats, for BLAS calls. */
    FloatPointer floatPointer() {
        long n = bytes / Float.BYTES;
        return new FloatPointer(live()).capacity(n).limit(n);
    }

    /** The memory as doubles, for LAPACK calls. */
    DoublePointer doublePointer() {
        long n = bytes / Double.BYTES;
        return new DoublePointer(live()).capacity(n).limit(n);
    }

    /** The memory as 16-bit values (bfloat16), for oneDNN calls. */
    ShortPointer shortPointer() {
        long n = bytes / Short.BYTES;
        return new ShortPointer(live()).capacity(n).limit(n);
    }

    /** The first {@code count} 16-bit values as a Java buffer over the same memory. */
    ShortBuffer shortBuffer(int count) {
        if ((long) count * Short.BYTES > bytes) {
            throw new IllegalArgumentException(count + " 16-bit values do not fit " + bytes + " bytes");
        }
        return new ShortPointer(live()).capacity(count).limit(count).asBuffer();
    }

    /** The first {@code count} floats as a Java buffer over the same memory. */
    FloatBuffer floatBuffer(int count) {
        if ((long) count * Float.BYTES > bytes) {
            throw new IllegalArgumentException(count + " floats do not fit " + bytes + " bytes");
        }
        return new FloatPointer(live()).capacity(count).limit(count).asBuffer();
    }

    /** The first {@code count} doubles as a Java buffer over the same memory. */
    DoubleBuffer doubleBuffer(int count) {
        if ((long) count * Double.BYTES > bytes) {
            throw new IllegalArgumentException(count + " doubles do not fit " + bytes + " bytes");
        }
        return new DoublePointer(live()).capacity(count).limit(count).asBuffer();
    }

    /** Native address of the first byte. */
    long address() {
        return live().address();
    }

    /** Gives the memory back; a second call does nothing. */
    void free() {
        if (raw != null) {
            Pointer.free(raw);
            raw = null;
            ledger.freed(bytes);
        }
    }

    private Pointer live() {
        if (raw == null) {
            throw new IllegalStateException("native memory used after its scope closed");
        }
        return raw;
    }
}
