package io.lorank.util;

import io.lorank.LorankException;

import java.util.Locale;

/**
 * Size arithmetic that cannot wrap: element counts and byte sizes as {@code long} products with
 * {@link Math#multiplyExact}, and array lengths checked against Java's limit. A product that overflows is a user error
 * naming what was being sized, not an {@link ArithmeticException} or a negative dimension.
 *
 * <pre>{@code
 * long values = Sizes.product("dense G (K*N x m*n)", outputs, examples, m, n);   // throws past 2^63
 * MemoryBudget.require(Sizes.bytes(values, Double.BYTES), "dense G");
 * double[] g = new double[Sizes.arrayLength("dense G", values)];                 // throws past 2^31 - 9
 * }</pre>
 */
public final class Sizes {
    /** The largest array length every JVM allocates (a few header words below {@code Integer.MAX_VALUE}). */
    public static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private Sizes() {
    }

    /** The product of {@code factors} (each &gt;= 0); a one-line error naming {@code what} when it exceeds 2^63 − 1. */
    public static long product(String what, long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f < 0) {
                throw new LorankException(what + ": size " + f + " is negative; every dimension must be >= 0");
            }
            try {
                p = Math.multiplyExact(p, f);
            } catch (ArithmeticException e) {
                throw new LorankException(what + ": " + formula(factors) + " overflows a 64-bit count; use smaller sizes");
            }
        }
        return p;
    }

    /** {@code count * bytesPerValue}, exactly. */
    public static long bytes(long count, int bytesPerValue) {
        return product("byte size", count, bytesPerValue);
    }

    /** {@code count} as a Java array length, or a one-line error saying it exceeds one array's limit. */
    public static int arrayLength(String what, long count) {
        if (count < 0 || count > MAX_ARRAY_LENGTH) {
            throw new LorankException(what + ": " + count + " values exceed one Java array (at most " + MAX_ARRAY_LENGTH
                    + "); use smaller sizes");
        }
        return (int) count;
    }

    /** {@code 1.5 GiB}, {@code 12.0 MiB}, {@code 512 B}: binary units, one decimal. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String formula(long... factors) {
        StringBuilder sb = new StringBuilder();
        for (long f : factors) {
            sb.append(sb.length() == 0 ? "" : " x ").append(f);
        }
        return sb.toString();
    }
}
