package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lorank.model.Architecture;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;

/**
 * Masked-language-model head: logits = decoder(LN(act(dense(h)))) + bias, decoder [V, d] tied to the word
 * embeddings unless the checkpoint has its own. Names: BERT {@code cls.predictions.transform.dense},
 * {@code cls.predictions.transform.LayerNorm}, {@code cls.predictions.decoder}, {@code cls.predictions.bias};
 * RoBERTa {@code lm_head.dense}, {@code lm_head.layer_norm}, {@code lm_head.decoder}, {@code lm_head.bias}
 * (RoBERTa's head always uses exact GELU, BERT's uses {@code hidden_act}).
 */
public final class MlmHead extends HfBlock {
    private final Linear dense;
    private final LayerNorm norm;
    private final Parameter decoder; // [V, d], null when tied
    private final Parameter tiedTo;  // the word embedding [V, d]
    private final Parameter bias;    // [V]
    private final HiddenAct act;

    /** HF prefix of the head for an architecture. */
    public static String prefixFor(Architecture a) {
        return a == Architecture.ROBERTA ? "lm_head" : "cls.predictions";
    }

    MlmHead(EncoderConfig c, Parameter wordEmbeddings, boolean ownDecoder) {
        super(prefixFor(c.architecture()));
        boolean roberta = c.architecture() == Architecture.ROBERTA;
        String t = roberta ? prefix : prefix + ".transform";
        int d = c.hiddenSize();
        dense = addChildBlock("dense", new Linear(t + ".dense", d, d));
        norm = addChildBlock("norm", new LayerNorm(t + (roberta ? ".layer_norm" : ".LayerNorm"), d, c.layerNormEps()));
        decoder = ownDecoder ? param("decoder.weight", Parameter.Type.WEIGHT, c.vocabSize(), d) : null;
        tiedTo = wordEmbeddings;
        bias = param("bias", Parameter.Type.BIAS, c.vocabSize());
        act = roberta ? HiddenAct.GELU : c.hiddenAct();
    }

    /** h [..., d] -> logits [..., V]. Gather the mask positions first: V is large. */
    public NDArray forward(NDArray h) {
        NDArray z = norm.forward(Activations.apply(act, dense.forward(h, null)));          // [..., d]
        NDArray w = value(decoder != null ? decoder : tiedTo);                              // [V, d]
        return z.getNDArrayInternal().linear(z, w, value(bias)).singletonOrThrow();         // [..., V]
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.singletonOrThrow()));
    }
}
