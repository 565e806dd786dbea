package io.lorank.linearized.solvers;

import org.ejml.data.DMatrixRMaj;

/**
 * Outcome of the convex solve min_ΔW F(ΔW) + λ Σ ‖ΔW_l‖_*.
 *
 * @param update      ΔW* per target (m_l × n_l)
 * @param objective   P(ΔW*)
 * @param ranks       per target: singular values kept by the last singular-value threshold (exact support)
 * @param singularValues per target: ΔW*'s singular values, descending
 * @param curve       P per iteration
 * @param iterations  iterations taken
 * @param status      CONVERGED when the relative duality gap met the tolerance
 * @param dualityGap  last computed gap P − D (absolute)
 * @param seconds     wall time
 */
public record ConvexResult(DMatrixRMaj[] update, double objective, int[] ranks, double[][] singularValues, double[] curve,
                           int iterations, SolverStatus status, double dualityGap, double seconds) {
    /** Numerical rank of target l: singular values above relTol · σ_1. */
    public int numericalRank(int l, double relTol) {
        double[] s = singularValues[l];
        int r = 0;
        for (double v : s) {
            if (s.length > 0 && v > relTol * s[0] && v > 0) {
                r++;
            }
        }
        return r;
    }
}
