package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** (x − mean) / sqrt(var + eps) · γ + β over the last axis; γ, β [d] named {@code PREFIX.weight/.bias}. */
public final class LayerNorm extends HfBlock {
    private final Parameter gamma; // [d]
    private final Parameter beta;  // [d]
    private final Shape normalized;
    private final float eps;

    public LayerNorm(String prefix, int d, double eps) {
        super(prefix);
        this.gamma = param("weight", Parameter.Type.GAMMA, d);
        this.beta = param("bias", Parameter.Type.BETA, d);
        this.normalized = new Shape(d);
        this.eps = (float) eps;
    }

    /** x [..., d] -> [..., d]. */
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().layerNorm(x, normalized, value(gamma), value(beta), eps).get(0);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }
}
