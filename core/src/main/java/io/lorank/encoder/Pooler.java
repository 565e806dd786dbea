package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code pooler}: tanh(pooler.dense(h[:, 0])), BERT's next-sentence "pooled output". */
public final class Pooler extends HfBlock {
    private final Linear dense;

    public Pooler(int d) {
        super("pooler");
        dense = addChildBlock("dense", new Linear("pooler.dense", d, d));
    }

    /** cls [B, d] -> [B, d]. */
    public NDArray forward(NDArray cls) {
        return dense.forward(cls, null).tanh();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
