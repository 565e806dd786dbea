package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * y = x Wᵀ + b, with W [out=m, in=n] and b [m] named {@code PREFIX.weight} / {@code PREFIX.bias} as in HF
 * {@code nn.Linear}. Optional {@link LinearAdapter} (LoRA) adds Δy; {@link LinearTaps} record X and D.
 */
public final class Linear extends HfBlock {
    private final Parameter weight; // [m, n]
    private final Parameter bias;   // [m]
    private final int in;
    private final int out;
    private LinearAdapter adapter;

    public Linear(String prefix, int in, int out) {
        super(prefix);
        this.in = in;
        this.out = out;
        this.weight = param("weight", Parameter.Type.WEIGHT, out, in);
        this.bias = param("bias", Parameter.Type.BIAS, out);
    }

    /** x [..., n] -> y [..., m]. */
    public NDArray forward(NDArray x, LinearTaps taps) {
        Shape s = x.getShape();
        // libtorch fuses the bias into the GEMM (addmm) only for 2-D inputs; [B, T, n] would run mm + add_
        NDArray x2 = s.dimension() == 2 ? x : x.reshape(-1, in);                                    // [B·T, n]
        NDArray y = x2.getNDArrayInternal().linear(x2, value(weight), value(bias)).singletonOrThrow(); // [B·T, m]
        if (s.dimension() != 2) {
            y = y.reshape(s.slice(0, s.dimension() - 1).add(out));                                 // [..., m]
        }
        if (adapter != null) {
            y = y.add(adapter.apply(x));
        }
        if (taps != null && taps.wants(prefix)) {
            y = taps.record(prefix, x, y);
        }
        return y;
    }

    /** Attaches (or with null removes) an adapter whose output is added to y. */
    public void setAdapter(LinearAdapter adapter) {
        this.adapter = adapter;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** n, the input width. */
    public int inFeatures() {
        return in;
    }

    /** m, the output width. */
    public int outFeatures() {
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return new NDList(forward(inputs.singletonOrThrow(), null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }
}
