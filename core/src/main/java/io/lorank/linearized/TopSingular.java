package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;

/**
 * Top singular triple of 𝒜*(c)_l, matrix-free: Lanczos on 𝒜*(c)_lᵀ 𝒜*(c)_l (n × n) through the operator's
 * adjoint-times methods, so factored operators never form the m × n matrix. σ = √θ, v the Ritz vector, u = Gv/σ.
 *
 * @param sigma the largest singular value
 * @param u     left vector (m), unit
 * @param v     right vector (n), unit
 */
public record TopSingular(double sigma, double[] u, double[] v) {
    public static TopSingular of(MeasurementOperator op, int l, double[] c, double tol, long seed) {
        int n = op.cols(l);
        int m = op.rows(l);
        Lanczos.Eigenpair e = Lanczos.extreme(n, x -> {
            DMatrixRMaj gx = op.adjointTimes(l, c, DMatrixRMaj.wrap(n, 1, x));
            return op.adjointTransposeTimes(l, c, gx).data;
        }, true, 200, tol, seed, true); // relative: σ² may be ~1e-8 at small λ
        double[] v = e.vector();
        double[] gv = op.adjointTimes(l, c, DMatrixRMaj.wrap(n, 1, v.clone())).data;
        double sigma = Lanczos.norm(gv);
        double[] u = new double[m];
        if (sigma > 0) {
            for (int j = 0; j < m; j++) {
                u[j] = gv[j] / sigma;
            }
        }
        return new TopSingular(sigma, u, v);
    }
}
