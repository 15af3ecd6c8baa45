package dev.superscope.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class RowDecoderTest {

    private static ByteBuffer shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.flip();
    }

    @Test
    void bf16IsTheUpperHalfOfEveryFloat32() {
        // Every BF16 bit pattern widens to exactly the float32 whose low 16 bits are zero.
        ByteBuffer all = ByteBuffer.allocate(65536 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 65536; i++) {
            all.putShort((short) i);
        }
        all.flip();
        FloatBuffer out = FloatBuffer.allocate(65536);
        RowDecoder.forType(DType.BF16).decode(all, 65536, out);
        for (int i = 0; i < 65536; i++) {
            assertEquals(i << 16, Float.floatToRawIntBits(out.get(i)), "bits " + i);
        }
    }

    @Test
    void f16MatchesTheIeeeDefinitionForEveryBitPattern() {
        for (int bits = 0; bits < 65536; bits++) {
            float decoded = RowDecoder.F16.halfToFloat((short) bits);
            int sign = (bits >> 15) == 1 ? -1 : 1;
            int e = (bits >> 10) & 0x1F;
            int f = bits & 0x3FF;
            if (e == 31) {
                assertTrue(f == 0 ? Float.isInfinite(decoded) && Math.signum(decoded) == sign : Float.isNaN(decoded));
                continue;
            }
            double expected = e == 0 ? sign * f * Math.pow(2, -24) : sign * (1 + f / 1024.0) * Math.pow(2, e - 15);
            assertEquals(expected, decoded, 0.0, "bits " + bits);
            assertEquals(bits >> 15, Float.floatToRawIntBits(decoded) >>> 31, "sign of " + bits);
        }
    }

    @Test
    void knownHalfValues() {
        FloatBuffer out = FloatBuffer.allocate(4);
        RowDecoder.forType(DType.F16).decode(shorts(0x3C00, 0xC000, 0x7BFF, 0x0001), 4, out);
        assertEquals(1.0f, out.get(0));
        assertEquals(-2.0f, out.get(1));
        assertEquals(65504.0f, out.get(2));
        assertEquals((float) Math.pow(2, -24), out.get(3));
    }

    @Test
    void f64RoundsToNearestFloat() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3.5).flip();
        FloatBuffer out = FloatBuffer.allocate(2);
        RowDecoder.forType(DType.F64).decode(b, 2, out);
        assertEquals(0.1f, out.get(0));
        assertEquals(-3.5f, out.get(1));
    }

    @Test
    void integerTypesFailLoudly() {
        BadInputException e = assertThrows(UnsupportedDTypeException.class, () -> RowDecoder.forType(DType.I64));
        assertTrue(e.getMessage().contains("I64"), e.getMessage());
    }
}
