package io.lorank.entk;

import io.lorank.LorankException;

import java.util.Locale;

/** How gradient factors are held and cached: fp32 (the default) or bf16 (half the bytes; its error is measured). */
public enum FactorDtype {
    FP32, BF16;

    /** "fp32" or "bf16": the CLI value and the factor-cache key's dtype. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FactorDtype parse(String s) {
        for (FactorDtype d : values()) {
            if (d.label().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new LorankException("--factor-dtype: '" + s + "' is not a factor dtype; expected fp32 or bf16");
    }
}
