package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.lorank.model.Pooling;

import java.util.List;

/**
 * What one forward returns; arrays belong to the input's manager.
 *
 * @param hiddenStates L + 1 arrays [B, T, d]: the embedding output, then every layer's output (HF's
 *                     {@code output_hidden_states})
 * @param mask         attention mask [B, T] in the model's float type (1 real token, 0 padding)
 * @param pooler       tanh(pooler.dense(CLS)) [B, d], or null when the checkpoint has no pooler
 */
public record EncoderOutput(List<NDArray> hiddenStates, NDArray mask, NDArray pooler) {

    /** Final hidden state [B, T, d]. */
    public NDArray last() {
        return hiddenStates.get(hiddenStates.size() - 1);
    }

    /** Hidden state of the first token [B, d]. */
    public NDArray cls() {
        return last().get(new NDIndex(":, 0, :"));
    }

    /** Mask-aware mean Σ_t m_t h_t / max(Σ_t m_t, 1e-9) [B, d] (sentence-transformers' mean pooling). */
    public NDArray mean() {
        NDArray m = mask.expandDims(2);                                  // [B, T, 1]
        NDArray sum = last().mul(m).sum(new int[] {1});                  // [B, d]
        NDArray count = io.lorank.engine.GradSafe.atLeast(m.sum(new int[] {1}), 1e-9);             // [B, 1]
        return sum.div(count);                                           // [B, d]
    }

    /** The sentence vector for a pooling [B, d]. */
    public NDArray pooled(Pooling pooling) {
        return switch (pooling) {
            case MEAN -> mean();
            case CLS -> cls();
        };
    }
}
