package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import io.lorank.encoder.LinearAdapter;
import io.lorank.encoder.LinearTarget;

import java.util.Random;

/**
 * LoRA on one Linear y = W x + b, as PEFT's {@code lora.Linear.forward}:
 * <pre>
 *   Δy = B (A (dropout x)) · s        x [..., n], A [r, n], B [m, r], Δy [..., m]
 *   ΔW = s · B A                      [m, n]  (PEFT's {@code get_delta_weight})
 * </pre>
 * A and B are owned by the {@link LoraModel}'s manager and require gradients; the base W stays frozen. Dropout is
 * active only while {@link #training} is set; its masks come from a {@code java.util.Random} seeded with the
 * adapter (not libtorch's RNG, whose CPU Bernoulli draws depend on the intra-op thread split), so a seed gives the
 * same masks under any load.
 */
public final class LoraLinear implements LinearAdapter {
    private final LinearTarget target;
    private final int rank;
    private final double scaling;
    private final double dropout;
    private final NDArray a; // [r, n]
    private final NDArray b; // [m, r]
    private final Random rng;
    private boolean training;

    LoraLinear(LinearTarget target, int rank, double scaling, double dropout, NDArray a, NDArray b, Random rng) {
        this.rng = rng;
        this.target = target;
        this.rank = rank;
        this.scaling = scaling;
        this.dropout = dropout;
        this.a = a;
        this.b = b;
    }

    @Override
    public NDArray apply(NDArray x) {
        NDArray in = training && dropout > 0 ? x.mul(mask(x)) : x;
        return io.lorank.engine.GradSafe.times(in.matMul(a.transpose()).matMul(b.transpose()), scaling); // [..., m]
    }

    /** Inverted dropout mask like x: 0 with probability p, else 1/(1−p). */
    private NDArray mask(NDArray x) {
        float[] m = new float[(int) x.size()];
        float keep = (float) (1 / (1 - dropout));
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < dropout ? 0f : keep;
        }
        // owned copy: autograd saves the mask for the backward, after the layer's NDScope has closed this array
        return io.lorank.engine.GradSafe.owned(x.getManager().create(m, x.getShape()).toType(x.getDataType(), false));
    }

    /** ΔW = s · B A [m, n], a new array in A's manager (no gradient recorded outside a collector). */
    public NDArray deltaWeight() {
        return io.lorank.engine.GradSafe.times(b.matMul(a), scaling);
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
