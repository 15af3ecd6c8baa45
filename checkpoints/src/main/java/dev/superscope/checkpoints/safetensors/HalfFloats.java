package dev.superscope.checkpoints.safetensors;

/**
 * Float32 to the 16-bit formats, rounding to nearest with ties to even as hardware and PyTorch do
 * (Java 17 has no {@code Float.floatToFloat16}). The reverse direction lives in
 * {@link dev.superscope.plugins.RowDecoder}.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** IEEE binary16 bits of {@code f}: overflow goes to infinity, tiny values to subnormals or zero. */
    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            // Infinity stays infinity; NaN stays NaN (quiet bit set so no payload can turn it into infinity).
            return (short) (sign | 0x7C00 | (abs > 0x7F800000 ? 0x0200 | ((abs >>> 13) & 0x3FF) : 0));
        }
        if (abs >= 0x477FF000) {
            return (short) (sign | 0x7C00); // >= 65520 rounds past the largest half, 65504
        }
        int exponent = abs >>> 23;
        if (exponent < 113) {
            // Below 2^-14: a subnormal half, counted in units of 2^-24.
            if (exponent < 102) {
                return (short) sign; // below 2^-25 (half the smallest subnormal): rounds to zero
            }
            int mantissa = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - exponent;
            return (short) (sign | roundShift(mantissa, shift));
        }
        int half = ((exponent - 112) << 10) | ((abs & 0x7FFFFF) >>> 13);
        int rest = abs & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // a carry into the exponent is the correct next binade
        }
        return (short) (sign | half);
    }

    /** bfloat16 bits of {@code f} (the upper half of its binary32 bits, rounded). */
    public static short toBFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x0040); // keep NaN a NaN
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
