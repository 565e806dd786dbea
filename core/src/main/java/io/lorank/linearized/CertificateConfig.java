package io.lorank.linearized;

import io.lorank.LorankException;

/**
 * Tolerances of the global-optimality certificate.
 *
 * @param gapTolerance          certified when duality gap ≤ this · max(|P|, 1e-12)
 * @param opTolerance           and max_l ‖∇_l F‖_op ≤ λ (1 + this)
 * @param stationarityTolerance "stationary" (for the LoRA problem) when the balanced factor gradient, relative to
 *                              λ·√(2 Σ‖ΔW_l‖_*), is ≤ this
 * @param lanczosTolerance      Ritz residual tolerance of the matrix-free top singular value
 */
public record CertificateConfig(double gapTolerance, double opTolerance, double stationarityTolerance, double lanczosTolerance) {
    public CertificateConfig {
        if (!(gapTolerance > 0) || !(opTolerance >= 0) || !(stationarityTolerance > 0) || !(lanczosTolerance > 0)) {
            throw new LorankException("certificate tolerances must be > 0: gap " + gapTolerance + ", op " + opTolerance
                    + ", stationarity " + stationarityTolerance + ", lanczos " + lanczosTolerance);
        }
    }

    /** gap 1e-6 relative, op-norm slack 1e-4, stationarity 1e-4, Lanczos 1e-12. */
    public static CertificateConfig defaults() {
        return new CertificateConfig(1e-6, 1e-4, 1e-4, 1e-12);
    }
}
