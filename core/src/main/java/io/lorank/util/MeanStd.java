package io.lorank.util;

import io.lorank.LorankException;

/** Mean and sample standard deviation (n − 1 denominator; NaN for n = 1) of per-seed values. */
public record MeanStd(double mean, double std, int n) {
    public static MeanStd of(double... values) {
        if (values.length == 0) {
            throw new LorankException("mean ± std: no values");
        }
        double m = 0;
        for (double v : values) {
            m += v;
        }
        m /= values.length;
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        double std = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : Double.NaN;
        return new MeanStd(m, std, values.length);
    }

    /** e.g. {@code 83.4 ± 1.2 (n=5)} with values scaled by {@code scale} (100 for percentages). */
    public String format(double scale) {
        return format(scale, 1);
    }

    /** As {@link #format(double)} with {@code decimals} digits after the point. */
    public String format(double scale, int decimals) {
        String f = "%." + decimals + "f";
        String sd = Double.isNaN(std) ? "n/a" : String.format(java.util.Locale.ROOT, f, std * scale);
        return String.format(java.util.Locale.ROOT, f + " ± %s (n=%d)", mean * scale, sd, n);
    }
}
