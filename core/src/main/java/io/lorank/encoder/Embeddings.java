package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lorank.model.EncoderConfig;

/**
 * {@code embeddings.*}: LayerNorm(word[ids] + position[pos] + token_type[types]). Position ids come with the input
 * (BERT: 0..T-1; RoBERTa: padding_idx + 1 + rank among non-pad tokens), so this block needs no architecture switch.
 */
public final class Embeddings extends HfBlock {
    private final Parameter word;      // [V, d]
    private final Parameter position;  // [P, d]
    private final Parameter tokenType; // [Tt, d]
    private final LayerNorm norm;

    public Embeddings(EncoderConfig c) {
        super("embeddings");
        word = param("word_embeddings.weight", Parameter.Type.WEIGHT, c.vocabSize(), c.hiddenSize());
        position = param("position_embeddings.weight", Parameter.Type.WEIGHT, c.maxPositionEmbeddings(),
                c.hiddenSize());
        tokenType = param("token_type_embeddings.weight", Parameter.Type.WEIGHT, c.typeVocabSize(),
                c.hiddenSize());
        norm = addChildBlock("LayerNorm", new LayerNorm("embeddings.LayerNorm", c.hiddenSize(), c.layerNormEps()));
    }

    /** ids, positions, types [B, T] int64 -> [B, T, d]. */
    public NDArray forward(NDArray ids, NDArray positions, NDArray types) {
        NDArray e = lookup(ids, value(word));                  // [B, T, d]
        e = e.add(lookup(types, value(tokenType)));            // + [B, T, d]
        e = e.add(lookup(positions, value(position)));         // + [B, T, d]
        return norm.forward(e);                                // [B, T, d]
    }

    private static NDArray lookup(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** [V, d] word embedding (also the tied MLM decoder). */
    public Parameter wordEmbeddings() {
        return word;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(forward(in.get(0), in.get(1), in.get(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long d = word.getArray().getShape().get(1);
        return new Shape[] {inputShapes[0].add(d)};
    }
}
