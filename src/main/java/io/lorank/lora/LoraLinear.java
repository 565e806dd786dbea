package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import io.lorank.encoder.LinearAdapter;
import io.lorank.encoder.LinearTarget;

/**
 * LoRA on one Linear, as PEFT's {@code lora.Linear.forward}: Δy = B(A(dropout x))·scaling, with A [r, n] and
 * B [m, r] (PEFT's {@code lora_A.weight} / {@code lora_B.weight}); the Linear adds Δy to W0 x + b. The arrays are
 * owned by the {@link LoraModel}; dropout is active only while {@link #setTraining} is true.
 */
public final class LoraLinear implements LinearAdapter {
    private final LinearTarget target;
    private final NDArray a;       // [r, n]
    private final NDArray b;       // [m, r]
    private final double scaling;
    private final float dropout;
    private boolean training;

    LoraLinear(LinearTarget target, NDArray a, NDArray b, double scaling, double dropout) {
        this.target = target;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = (float) dropout;
    }

    /** x [..., n] → Δy [..., m]. */
    @Override
    public NDArray apply(NDArray x) {
        NDArray in = training && dropout > 0
                ? x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow() : x;
        return in.matMul(a.transpose()).matMul(b.transpose()).mul(scaling);     // [..., r] → [..., m]
    }

    /** ΔW = scaling · B A [m, n], in the arrays' manager. */
    public NDArray deltaWeight() {
        return b.matMul(a).mul(scaling);
    }

    public LinearTarget target() {
        return target;
    }

    /** A [r, n]. */
    public NDArray a() {
        return a;
    }

    /** B [m, r]. */
    public NDArray b() {
        return b;
    }

    public int rank() {
        return (int) a.getShape().get(0);
    }

    public double scaling() {
        return scaling;
    }

    public void setTraining(boolean training) {
        this.training = training;
    }
}
