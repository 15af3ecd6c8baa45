package dev.superscope.plugins;

/**
 * Every element type of the safetensors format (and the PyTorch storages that map onto them), with
 * its size in bits. Only {@link #F32}, {@link #F16}, {@link #BF16} and {@link #F64} can be analysed
 * (see {@link RowDecoder}); the rest are recognised so that a checkpoint holding them still opens.
 */
public enum DType {
    BOOL(8), U8(8), I8(8), F8_E5M2(8), F8_E4M3(8), F8_E8M0(8),
    I16(16), U16(16), F16(16), BF16(16),
    I32(32), U32(32), F32(32),
    I64(64), U64(64), F64(64), C64(64),
    F4(4), F6_E2M3(6), F6_E3M2(6);

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    /** Size of one element in bits (4 and 6 for the packed micro-float types). */
    public int bits() {
        return bits;
    }

    /** Size of one element in bytes; fails for the sub-byte types, which have none. */
    public int byteSize() {
        if (bits % 8 != 0) {
            throw new UnsupportedDTypeException(this, "has no whole-byte element size");
        }
        return bits / 8;
    }

    /** True for the floating-point types Superscope can decode to float32. */
    public boolean isDecodable() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The dtype named as in a safetensors header ("F32", "BF16", ...), or null when unknown. */
    public static DType fromSafetensorsName(String name) {
        if (name == null) {
            return null;
        }
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Number of bytes that {@code elements} elements occupy, or -1 when it overflows a long or is not
     * a whole number of bytes.
     */
    public long bytesFor(long elements) {
        if (elements < 0) {
            return -1;
        }
        try {
            long totalBits = Math.multiplyExact(elements, (long) bits);
            return totalBits % 8 == 0 ? totalBits / 8 : -1;
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }
}
