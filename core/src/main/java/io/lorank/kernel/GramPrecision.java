package io.lorank.kernel;

import io.lorank.LorankException;

import java.util.Locale;

/**
 * The arithmetic of the eNTK's inner products ({@link CrossGram}). The factors are fp32 (libtorch's forward and
 * backward), so fp32 products carry no less information than the factors themselves; fp64 makes the result exactly
 * the Gram of those fp32 vectors (positive semi-definite to rounding), at about twice the time.
 */
public enum GramPrecision {
    /** sgemm/ssyrk per target; the targets' blocks summed in fp64. Relative error ~1e-6 of the largest entry. */
    FP32,
    /** dgemm/dsyrk on factors widened to fp64. */
    FP64;

    /** The default of every command: fp32 (the kernel baselines' test metrics are unchanged; RESULTS.md). */
    public static final GramPrecision DEFAULT = FP32;

    /** "fp32" or "fp64": the CLI value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static GramPrecision parse(String s) {
        for (GramPrecision p : values()) {
            if (p.label().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new LorankException("--gram-precision: '" + s + "' is not a precision; expected fp32 or fp64");
    }
}
