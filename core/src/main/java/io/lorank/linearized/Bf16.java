package io.lorank.linearized;

/**
 * bfloat16: the top 16 bits of an IEEE fp32 value (sign, 8 exponent bits, 7 stored significand bits), rounded to
 * nearest even. Used to store gradient factors at half size ({@link GradientFactors#roundedToBf16()}).
 */
public final class Bf16 {
    private Bf16() {
    }

    /** The bf16 bits of v (round to nearest even; NaN stays a quiet NaN). */
    public static short bits(float v) {
        int b = Float.floatToRawIntBits(v);
        if ((b & 0x7f800000) == 0x7f800000 && (b & 0x007fffff) != 0) {
            return (short) ((b >>> 16) | 0x0040); // NaN: keep it a NaN after truncation
        }
        int rounding = 0x7fff + ((b >>> 16) & 1);
        return (short) ((b + rounding) >>> 16);
    }

    /** The fp32 value of bf16 bits. */
    public static float value(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** v rounded to the nearest bf16 value, as a float. */
    public static float round(float v) {
        return value(bits(v));
    }

    /** A rounded copy of a. */
    public static float[] round(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = round(a[i]);
        }
        return r;
    }
}
