package io.lorank.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constants that are safe inside a gradient-recording forward.
 *
 * <p>Why: DJL 0.35's PyTorch {@code NDArray.mul(Number)} (and {@code div}, {@code maximum}, {@code pow} with a
 * Number) wraps the number in a temporary array made from Java memory and closes it right after the op. Autograd has
 * saved that tensor for the backward (d(a·s)/da = s), so the backward reads freed memory: gradients that are
 * sometimes right, sometimes exactly 0, sometimes garbage, changing from run to run. Arrays made from Java data with
 * {@code manager.create(...)} and closed before the backward (an {@code NDScope} around a layer) have the same
 * problem. Every constant here is a copy in libtorch's own memory, which autograd keeps alive by reference count, so
 * closing its Java handle early is harmless.
 */
public final class GradSafe {
    private GradSafe() {
    }

    /** A 0-dim constant v in {@code like}'s manager and data type, in libtorch-owned memory. */
    public static NDArray scalar(NDArray like, double v) {
        return owned(like.getManager().create(v).toType(like.getDataType(), false));
    }

    /** a · s, autograd-safe. */
    public static NDArray times(NDArray a, double s) {
        return a.mul(scalar(a, s));
    }

    /** a / s, autograd-safe. */
    public static NDArray dividedBy(NDArray a, double s) {
        return a.div(scalar(a, s));
    }

    /** max(a, floor) elementwise, autograd-safe. */
    public static NDArray atLeast(NDArray a, double floor) {
        return a.maximum(scalar(a, floor));
    }

    /** a^p elementwise, autograd-safe. */
    public static NDArray power(NDArray a, double p) {
        return a.pow(scalar(a, p));
    }

    /** An array made from Java data, copied into libtorch-owned memory (the Java-backed original is closed). */
    public static NDArray owned(NDArray javaBacked) {
        NDArray c = javaBacked.duplicate();
        javaBacked.close();
        return c;
    }

    /** float data as an owned array of the given shape in {@code manager}. */
    public static NDArray constant(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }
}
