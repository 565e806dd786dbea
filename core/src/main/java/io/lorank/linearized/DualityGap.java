package io.lorank.linearized;

/**
 * Fenchel dual of P(ΔW) = F(𝒜ΔW) + λ Σ ‖ΔW_l‖_*: D(c) = −F*(c) subject to ‖𝒜*(c)_l‖_op ≤ λ for every l, where
 * F*(c) = Σ_i [−⟨c_i, f0_i⟩ + (1/N) ℓ*(N c_i)] (see {@link Loss}). The dual point is the primal residual
 * c = ∇F(ΔW) scaled by s = min(1, λ / max_l ‖𝒜*(c)_l‖_op); for all three losses s·c stays in dom F* (s ≤ 1).
 * At an optimum s = 1 and the gap P − D is 0.
 */
public final class DualityGap {
    private DualityGap() {
    }

    /** D(s·c) for the residual c with largest adjoint operator norm maxOpNorm. */
    public static double dualValue(LinearizedProblem p, double[] c, double maxOpNorm) {
        double s = maxOpNorm > p.lambda() ? p.lambda() / maxOpNorm : 1.0;
        double[] sc = new double[c.length];
        for (int j = 0; j < c.length; j++) {
            sc[j] = s * c[j];
        }
        return -p.loss().conjugateAt(p.f0(), sc);
    }
}
