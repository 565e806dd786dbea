package io.lorank.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DtypeTest {
    @Test
    void halfKnownValues() {
        assertEquals(0x3c00, Dtype.floatToHalf(1f) & 0xffff);
        assertEquals(0xc000, Dtype.floatToHalf(-2f) & 0xffff);
        assertEquals(0x7bff, Dtype.floatToHalf(65504f) & 0xffff);            // largest half
        assertEquals(0x7c00, Dtype.floatToHalf(65520f) & 0xffff);            // rounds up to +inf
        assertEquals(0x0001, Dtype.floatToHalf(0x1p-24f) & 0xffff);          // smallest subnormal
        assertEquals(0x3c00, Dtype.floatToHalf(1f + 0x1p-11f) & 0xffff);     // tie -> even (down)
        assertEquals(0x3c02, Dtype.floatToHalf(1f + 3 * 0x1p-11f) & 0xffff); // tie -> even (up)
        assertEquals(65504f, Dtype.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Dtype.halfToFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, Dtype.halfToFloat((short) 0xfc00));
    }

    @Test
    void halfRoundTripIsNearestOverRandomValues() {
        Random r = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 6));
            float h = Dtype.halfToFloat(Dtype.floatToHalf(f));
            // nearest half: relative error at most 2^-11 for normals, absolute 2^-25 for subnormals
            assertTrue(Math.abs(h - f) <= Math.max(Math.abs(f) * 0x1p-11, 0x1p-25), f + " -> " + h);
        }
        // every half value survives the round trip exactly
        for (int b = 0; b < 0x10000; b++) {
            float f = Dtype.halfToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertEquals(b, Dtype.floatToHalf(f) & 0xffff, "half bits " + Integer.toHexString(b));
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals(0x3f80, Dtype.floatToBf16(1f) & 0xffff);
        assertEquals(1f, Dtype.bf16ToFloat(Dtype.floatToBf16(1f + 0x1p-8f)));             // tie -> even (down)
        assertEquals(1f + 0x1p-6f, Dtype.bf16ToFloat(Dtype.floatToBf16(1f + 3 * 0x1p-8f))); // tie -> even (up)
        assertEquals(1f + 0x1p-7f, Dtype.bf16ToFloat(Dtype.floatToBf16(1f + 0x1p-7f + 0x1p-10f)));
    }
}
