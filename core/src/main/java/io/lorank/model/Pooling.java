package io.lorank.model;

/** How a sentence vector is taken from the final hidden states [B, T, d]. */
public enum Pooling {
    /** Mask-aware mean over real (non-pad) tokens: Σ_t m_t h_t / max(Σ_t m_t, 1e-9). */
    MEAN,
    /** The hidden state of the first token ([CLS]). */
    CLS
}
