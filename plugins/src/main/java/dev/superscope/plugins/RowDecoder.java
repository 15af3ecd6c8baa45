package dev.superscope.plugins;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Decodes little-endian elements of one dtype into float32. One small final class per dtype;
 * {@link #forType} fails loudly on anything else rather than guessing.
 */
public sealed interface RowDecoder permits RowDecoder.F32, RowDecoder.F16, RowDecoder.BF16, RowDecoder.F64 {

    /**
     * Decodes {@code count} elements starting at {@code src}'s position (absolute reads; {@code src}
     * is not moved) into {@code dst} starting at its position (which advances by {@code count}).
     */
    void decode(ByteBuffer src, int count, FloatBuffer dst);

    /** Decodes one element at absolute byte offset {@code byteOffset} of {@code src}. */
    float get(ByteBuffer src, int byteOffset);

    /** The decoder for {@code dtype}. */
    static RowDecoder forType(DType dtype) {
        return switch (dtype) {
            case F32 -> new F32();
            case F16 -> new F16();
            case BF16 -> new BF16();
            case F64 -> new F64();
            default -> throw new UnsupportedDTypeException(dtype,
                    "cannot be analysed: only F32, F16, BF16 and F64 matrices can");
        };
    }

    /** IEEE binary32, read as is. */
    final class F32 implements RowDecoder {
        @Override
        public void decode(ByteBuffer src, int count, FloatBuffer dst) {
            int base = src.position();
            for (int i = 0; i < count; i++) {
                dst.put(src.getFloat(base + 4 * i));
            }
        }

        @Override
        public float get(ByteBuffer src, int byteOffset) {
            return src.getFloat(byteOffset);
        }
    }

    /** IEEE binary16, widened exactly (subnormals, infinities and NaN included). */
    final class F16 implements RowDecoder {
        @Override
        public void decode(ByteBuffer src, int count, FloatBuffer dst) {
            int base = src.position();
            for (int i = 0; i < count; i++) {
                dst.put(halfToFloat(src.getShort(base + 2 * i)));
            }
        }

        @Override
        public float get(ByteBuffer src, int byteOffset) {
            return halfToFloat(src.getShort(byteOffset));
        }

        /** Exact binary16 to binary32 (Java 17 has no Float.float16ToFloat). */
        public static float halfToFloat(short half) {
            int bits = half & 0xFFFF;
            int sign = (bits & 0x8000) << 16;
            int exponent = (bits >>> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            if (exponent == 0x1F) {
                return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
            }
            if (exponent == 0) {
                float subnormal = mantissa * 0x1p-24f;
                return sign == 0 ? subnormal : -subnormal;
            }
            return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
        }
    }

    /** bfloat16: the upper half of a binary32, so widening is a shift and exact. */
    final class BF16 implements RowDecoder {
        @Override
        public void decode(ByteBuffer src, int count, FloatBuffer dst) {
            int base = src.position();
            for (int i = 0; i < count; i++) {
                dst.put(Float.intBitsToFloat((src.getShort(base + 2 * i) & 0xFFFF) << 16));
            }
        }

        @Override
        public float get(ByteBuffer src, int byteOffset) {
            return Float.intBitsToFloat((src.getShort(byteOffset) & 0xFFFF) << 16);
        }
    }

    /** IEEE binary64, rounded to the nearest float32. */
    final class F64 implements RowDecoder {
        @Override
        public void decode(ByteBuffer src, int count, FloatBuffer dst) {
            int base = src.position();
            for (int i = 0; i < count; i++) {
                dst.put((float) src.getDouble(base + 8 * i));
            }
        }

        @Override
        public float get(ByteBuffer src, int byteOffset) {
            return (float) src.getDouble(byteOffset);
        }
    }
}
