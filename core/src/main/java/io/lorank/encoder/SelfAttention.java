package io.lorank.encoder;

import io.lorank.engine.GradSafe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lorank.model.EncoderConfig;

/**
 * {@code encoder.layer.N.attention.self}: multi-head scaled dot-product attention (no output projection; that is
 * {@code attention.output.dense} in {@link EncoderLayer}). H heads of size h = d/H.
 */
public final class SelfAttention extends HfBlock {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final int heads;
    private final int headSize;
    private final double scale; // 1/sqrt(h), applied to q ([.., T, h]) rather than to the scores ([.., T, T])

    public SelfAttention(String prefix, EncoderConfig c) {
        super(prefix);
        int d = c.hiddenSize();
        heads = c.numHeads();
        headSize = c.headSize();
        scale = 1 / Math.sqrt(headSize);
        query = addChildBlock("query", new Linear(prefix + ".query", d, d));
        key = addChildBlock("key", new Linear(prefix + ".key", d, d));
        value = addChildBlock("value", new Linear(prefix + ".value", d, d));
    }

    /** x [B, T, d], maskBias [B, 1, 1, T] (0 or a large negative) -> context [B, T, d]. */
    public NDArray forward(NDArray x, NDArray maskBias, LinearTaps taps) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = GradSafe.times(split(query.forward(x, taps), b, t), scale); // [B, H, T, h] / sqrt(h)
        NDArray k = split(key.forward(x, taps), b, t);                    // [B, H, T, h]
        NDArray v = split(value.forward(x, taps), b, t);                  // [B, H, T, h]
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2))                // [B, H, T, T]
                .add(maskBias);                                           // keys at padding get ~ -inf
        NDArray probs = scores.softmax(-1);                               // [B, H, T, T]
        NDArray ctx = probs.matMul(v);                                    // [B, H, T, h]
        return ctx.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headSize); // [B, T, d]
    }

    private NDArray split(NDArray y, long b, long t) {
        return y.reshape(b, t, heads, headSize).transpose(0, 2, 1, 3);   // [B, T, d] -> [B, H, T, h]
    }

    public Linear query() {
        return query;
    }

    public Linear key() {
        return key;
    }

    public Linear value() {
        return value;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.get(1), null));
    }
}
