package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;

/**
 * {@code encoder.layer.N}: post-LayerNorm transformer layer, HF BERT naming:
 * a = LN(attention.output.dense(attention.self(x)) + x); y = LN(output.dense(act(intermediate.dense(a))) + a).
 */
public final class EncoderLayer extends HfBlock {
    private final SelfAttention attention;
    private final Linear attentionOut;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputNorm;
    private final HiddenAct act;

    public EncoderLayer(int index, EncoderConfig c) {
        super("encoder.layer." + index);
        int d = c.hiddenSize();
        int ff = c.intermediateSize();
        act = c.hiddenAct();
        attention = addChildBlock("attention_self", new SelfAttention(prefix + ".attention.self", c));
        attentionOut = addChildBlock("attention_output_dense", new Linear(prefix + ".attention.output.dense", d, d));
        attentionNorm = addChildBlock("attention_output_LayerNorm",
                new LayerNorm(prefix + ".attention.output.LayerNorm", d, c.layerNormEps()));
        intermediate = addChildBlock("intermediate_dense", new Linear(prefix + ".intermediate.dense", d, ff));
        output = addChildBlock("output_dense", new Linear(prefix + ".output.dense", ff, d));
        outputNorm = addChildBlock("output_LayerNorm", new LayerNorm(prefix + ".output.LayerNorm", d, c.layerNormEps()));
    }

    /** x [B, T, d], maskBias [B, 1, 1, T] -> [B, T, d]. */
    public NDArray forward(NDArray x, NDArray maskBias, LinearTaps taps) {
        NDArray ctx = attention.forward(x, maskBias, taps);                          // [B, T, d]
        NDArray a = attentionNorm.forward(attentionOut.forward(ctx, taps).add(x));   // [B, T, d]
        NDArray h = Activations.apply(act, intermediate.forward(a, taps));           // [B, T, ff]
        return outputNorm.forward(output.forward(h, taps).add(a));                   // [B, T, d]
    }

    public SelfAttention attention() {
        return attention;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.get(1), null));
    }
}
