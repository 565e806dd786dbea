package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import io.lorank.encoder.LinearAdapter;
import io.lorank.encoder.LinearTarget;

/**
 * LoRA on one Linear y = W x + b, as PEFT's {@code lora.Linear.forward}:
 * <pre>
 *   Δy = B (A (dropout x)) · s        x [..., n], A [r, n], B [m, r], Δy [..., m]
 *   ΔW = s · B A                      [m, n]  (PEFT's {@code get_delta_weight})
 * </pre>
 * A and B are owned by the {@link LoraModel}'s manager and require gradients; the base W stays frozen. Dropout is
 * active only while {@link #training} is set (libtorch's RNG, seeded by the trainer).
 */
public final class LoraLinear implements LinearAdapter {
    private final LinearTarget target;
    private final int rank;
    private final double scaling;
    private final double dropout;
    private final NDArray a; // [r, n]
    private final NDArray b; // [m, r]
    private boolean training;

    LoraLinear(LinearTarget target, int rank, double scaling, double dropout, NDArray a, NDArray b) {
        this.target = target;
        this.rank = rank;
        this.scaling = scaling;
        this.dropout = dropout;
        this.a = a;
        this.b = b;
    }

    @Override
    public NDArray apply(NDArray x) {
        NDArray in = training && dropout > 0
                ? x.getNDArrayInternal().dropout(x, (float) dropout, true).singletonOrThrow() : x;
        return in.matMul(a.transpose()).matMul(b.transpose()).mul(scaling);                 // [..., m]
    }

    /** ΔW = s · B A [m, n], a new array in A's manager (no gradient recorded outside a collector). */
    public NDArray deltaWeight() {
        return b.matMul(a).mul(scaling);
    }

    void setTraining(boolean on) {
        training = on;
    }

    public LinearTarget target() {
        return target;
    }

    public int rank() {
        return rank;
    }

    public double scaling() {
        return scaling;
    }

    /** A [r, n] (PEFT's {@code lora_A.weight}). */
    public NDArray a() {
        return a;
    }

    /** B [m, r] (PEFT's {@code lora_B.weight}). */
    public NDArray b() {
        return b;
    }
}
