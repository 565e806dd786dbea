package io.lorank.util;

import io.lorank.LorankException;

import java.util.Map;

/**
 * Finite-number guards: no answer is printed or written when it came from NaN or infinity. Each check names what was
 * checked and the first bad entry, and throws a one-line {@link LorankException} (exit 1).
 *
 * <pre>{@code
 * Finite.require("embedding of text 2", vector);                 // float[] or double[]
 * Finite.require("C* estimate", cstar, low, high);               // scalars, named by position
 * Finite.requireAll("model.safetensors", checkpoint.tensors(), HostTensor::data);  // first bad tensor named
 * }</pre>
 * An estimate that cannot be made at all (too few points to fit) is not a NaN to check here but an
 * {@link Undetermined} value reported as such.
 */
public final class Finite {
    private Finite() {
    }

    /** Index of the first NaN or infinite value, or -1. */
    public static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first NaN or infinite value, or -1. */
    public static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Throws when a value of {@code v} is NaN or infinite: "{@code what}: value [i] is NaN; ...". */
    public static float[] require(String what, float[] v) {
        int i = firstNonFinite(v);
        if (i >= 0) {
            throw new LorankException(what + ": value [" + i + "] of " + v.length + " is " + v[i]
                    + "; the computation overflowed or its inputs hold NaN/inf, so no result is reported");
        }
        return v;
    }

    /** Throws when a value of {@code v} is NaN or infinite. */
    public static double[] require(String what, double... v) {
        int i = firstNonFinite(v);
        if (i >= 0) {
            throw new LorankException(what + ": value [" + i + "] of " + v.length + " is " + v[i]
                    + "; the computation overflowed or its inputs hold NaN/inf, so no result is reported");
        }
        return v;
    }

    /** Throws when {@code v} is NaN or infinite; returns it otherwise. */
    public static double require(String what, double v) {
        if (!Double.isFinite(v)) {
            throw new LorankException(what + " is " + v
                    + "; the computation overflowed or its inputs hold NaN/inf, so no result is reported");
        }
        return v;
    }

    /** Extracts a tensor's values. */
    @FunctionalInterface
    public interface Values<T> {
        float[] of(T tensor);
    }

    /**
     * Checks every tensor of a checkpoint at load: "{@code file}: tensor NAME holds NaN at [i] (of n values); the
     * checkpoint is corrupt or was saved after a diverged run".
     */
    public static <T> void requireAll(String file, Map<String, T> tensors, Values<T> values) {
        for (Map.Entry<String, T> e : tensors.entrySet()) {
            float[] v = values.of(e.getValue());
            int i = firstNonFinite(v);
            if (i >= 0) {
                throw new LorankException(file + ": tensor " + e.getKey() + " holds " + v[i] + " at [" + i + "] (of "
                        + v.length + " values); the checkpoint is corrupt or was saved after a diverged run");
            }
        }
    }
}
