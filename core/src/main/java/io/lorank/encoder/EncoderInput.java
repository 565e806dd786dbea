package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorank.LorankException;
import io.lorank.model.Architecture;
import io.lorank.model.EncoderConfig;
import io.lorank.text.TokenBatch;

/**
 * A padded batch on the engine, all int64 [B, T]: token ids, attention mask (1 real, 0 pad), token types and
 * position ids. Positions: BERT 0..T-1; RoBERTa {@code pad + rank} for non-pad tokens (rank counts non-pad tokens
 * from 1) and {@code pad} at padding, exactly HF's {@code create_position_ids_from_input_ids}.
 */
public record EncoderInput(NDArray ids, NDArray mask, NDArray types, NDArray positions) {

    /** Builds the arrays in {@code manager} (the caller's scope; closing it frees every forward's outputs). */
    public static EncoderInput of(TokenBatch batch, EncoderConfig config, NDManager manager) {
        int b = batch.batchSize();
        int t = batch.length();
        long[] ids = batch.ids();
        long[] pos = new long[ids.length];
        long[] types = batch.typeIds().clone();
        boolean roberta = config.architecture() == Architecture.ROBERTA;
        long maxPos = 0;
        for (int i = 0; i < b; i++) {
            long rank = 0;
            for (int j = 0; j < t; j++) {
                int k = i * t + j;
                if (roberta) {
                    rank += ids[k] != config.padTokenId() ? 1 : 0;
                    pos[k] = ids[k] != config.padTokenId() ? config.padTokenId() + rank : config.padTokenId();
                } else {
                    pos[k] = j;
                }
                maxPos = Math.max(maxPos, pos[k]);
                if (config.typeVocabSize() == 1) {
                    types[k] = 0;
                } else if (types[k] < 0 || types[k] >= config.typeVocabSize()) {
                    throw new LorankException("input: token type " + types[k] + " is outside [0, "
                            + config.typeVocabSize() + ") of this model");
                }
                if (ids[k] < 0 || ids[k] >= config.vocabSize()) {
                    throw new LorankException("input: token id " + ids[k] + " is outside the vocabulary [0, "
                            + config.vocabSize() + "); does the tokenizer belong to this model?");
                }
            }
        }
        if (maxPos >= config.maxPositionEmbeddings()) {
            throw new LorankException("input: " + t + " tokens need position " + maxPos + " but the model has "
                    + config.maxPositionEmbeddings() + " positions; lower the maximum length");
        }
        Shape s = new Shape(b, t);
        return new EncoderInput(manager.create(ids, s), manager.create(batch.attentionMask(), s),
                manager.create(types, s), manager.create(pos, s));
    }

    public long batchSize() {
        return ids.getShape().get(0);
    }

    public long length() {
        return ids.getShape().get(1);
    }
}
