package io.lorank.linearized;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bfloat16 rounding: exact values, ties to even, specials, and the 2⁻⁸ relative error bound. */
class Bf16Test {
    @Test
    void roundsToNearestEven() {
        assertEquals(1.0f, Bf16.round(1.0f));
        assertEquals(-3.5f, Bf16.round(-3.5f));
        float ulp = (float) Math.pow(2, -7); // bf16 spacing in [1, 2)
        assertEquals(1.0f, Bf16.round(1 + ulp / 2), "tie between 1 and 1 + 2^-7: to the even significand (1)");
        assertEquals(1 + 2 * ulp, Bf16.round(1 + 1.5f * ulp), "tie between 1 + 2^-7 (odd) and 1 + 2^-6 (even)");
        assertEquals(1 + ulp, Bf16.round(1 + 0.6f * ulp), "above the tie: up");
        assertEquals(1.0f, Bf16.round(1 + 0.4f * ulp), "below the tie: down");
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Bf16.round(-0.0f)));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE), "rounds up past the largest bf16");
    }

    @Test
    void relativeErrorIsAtMostTwoToTheMinusEight() {
        Random rnd = new Random(3);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            float v = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(10) - 5));
            if (v == 0) {
                continue;
            }
            float r = Bf16.round(v);
            worst = Math.max(worst, Math.abs((double) r - v) / Math.abs(v));
            assertEquals(r, Bf16.value(Bf16.bits(r)), "a bf16 value is a fixed point");
        }
        assertTrue(worst <= Math.pow(2, -8), "worst relative error " + worst);
        assertTrue(worst > Math.pow(2, -9), "and the bound is reached, so the rounding is not finer than bf16: " + worst);
    }
}
