package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Exact Hessian-vector products of h(B, A) = F(BA) + λ/2 (‖A‖² + ‖B‖²), and its smallest eigenvalue by Lanczos.
 * With z = 𝒜(BA), c = ∇F(z), dc = ∇²F(z) 𝒜(dB A + B dA):
 * H[dB] = 𝒜*(dc) Aᵀ + 𝒜*(c) dAᵀ + λ dB,  H[dA] = Bᵀ 𝒜*(dc) + dBᵀ 𝒜*(c) + λ dA.
 * λ_min &lt; 0 at a stationary point: strict saddle; ≥ 0 with op norm &gt; λ: spurious minimum (second order).
 */
public final class LoraHessian {
    private final LinearizedProblem p;
    private final LoraFactors x;
    private final double[] f;
    private final double[] c;

    public LoraHessian(LinearizedProblem p, LoraFactors x) {
        this.p = p;
        this.x = x;
        this.f = p.outputsFrom(p.operator().applyLowRank(x.b(), x.a()));
        this.c = p.residual(f);
    }

    /** H·d, d flattened in {@link LoraFactors} order. */
    public double[] times(double[] d) {
        MeasurementOperator op = p.operator();
        LoraFactors dx = x.like(d);
        double[] dz = op.applyLowRank(dx.b(), x.a());
        double[] dz2 = op.applyLowRank(x.b(), dx.a());
        for (int j = 0; j < dz.length; j++) {
            dz[j] += dz2[j];
        }
        double[] dc = p.loss().hessianTimes(f, dz);
        double[] out = new double[d.length];
        int o = 0;
        DMatrixRMaj gB = new DMatrixRMaj(1, 1);
        DMatrixRMaj gA = new DMatrixRMaj(1, 1);
        for (int l = 0; l < x.targets(); l++) {
            DMatrixRMaj b = x.b()[l];
            DMatrixRMaj a = x.a()[l];
            op.adjointLowRank(l, dc, b, a, gB, gA);                                   // 𝒜*(dc)Aᵀ, Bᵀ𝒜*(dc)
            DMatrixRMaj t1 = op.adjointTimes(l, c, CommonOps_DDRM.transpose(dx.a()[l], null)); // 𝒜*(c) dAᵀ  [m × r]
            DMatrixRMaj t2 = op.adjointTransposeTimes(l, c, dx.b()[l]);               // 𝒜*(c)ᵀ dB [n × r]
            int nb = b.getNumElements();
            for (int j = 0; j < nb; j++) {
                out[o + j] = gB.data[j] + t1.data[j] + p.lambda() * dx.b()[l].data[j];
            }
            o += nb;
            int r = a.numRows;
            int n = a.numCols;
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < n; j++) {
                    out[o + i * n + j] = gA.data[i * n + j] + t2.get(j, i) + p.lambda() * dx.a()[l].data[i * n + j];
                }
            }
            o += a.getNumElements();
        }
        return out;
    }

    /** Smallest eigenvalue of the Hessian (Lanczos, full reorthogonalisation, up to maxSteps HVPs). */
    public Lanczos.Eigenpair minEigen(int maxSteps, double tol, long seed) {
        return Lanczos.extreme(x.size(), this::times, false, maxSteps, tol, seed);
    }
}
