package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Global-optimality certificate for a candidate ΔW (a LoRA solution in particular) of
 * P(ΔW) = F(ΔW) + λ Σ ‖ΔW_l‖_*. ΔW is optimal iff for every target −∇_l F ∈ λ ∂‖ΔW_l‖_*, i.e. with
 * ΔW_l = U S Vᵀ: ∇_l F V = −λ U, Uᵀ ∇_l F = −λ Vᵀ and ‖∇_l F‖_op ≤ λ. Checked here:
 * <ul>
 *   <li>‖∇_l F‖_op by Lanczos on the matrix-free adjoint ({@link TopSingular}),</li>
 *   <li>the range residual ‖∇_l F V + λ U‖_F / (λ √ρ) and the factor-space gradient: of the given factors (relative
 *       to λ·√(‖A‖² + ‖B‖²)), or for a dense candidate of its balanced factorisation B = U√S, A = √S Vᵀ
 *       (∇_B = (∇F V + λU)√S, ∇_A = √S(Uᵀ∇F + λVᵀ), relative to λ·√(2 Σ‖ΔW_l‖_*), the same scale when balanced),</li>
 *   <li>the duality gap P − D with the scaled dual point of {@link DualityGap}.</li>
 * </ul>
 * Verdicts: CERTIFIED_GLOBAL (gap and op norm within tolerance); STATIONARY_NOT_GLOBAL (a stationary point of the
 * LoRA problem — small factor gradient — with op norm &gt; λ: spurious, with an escape direction); NOT_CONVERGED.
 */
public final class Certificate {
    public enum Verdict { CERTIFIED_GLOBAL, NOT_CONVERGED, STATIONARY_NOT_GLOBAL }

    /** Per-target figures. */
    public record TargetCheck(int target, double opNorm, double rangeResidual, int rank, double nuclearNorm) {
    }

    /**
     * Direction E = u vᵀ on target l along which P decreases: dP/dε at ε = 0⁺ ≤ slope = λ − σ_1(∇_l F) &lt; 0
     * (u = −left, v = right top singular vectors of ∇_l F).
     */
    public record EscapeDirection(int target, double[] u, double[] v, double slope) {
        public DMatrixRMaj matrix() {
            DMatrixRMaj e = new DMatrixRMaj(u.length, v.length);
            for (int i = 0; i < u.length; i++) {
                for (int j = 0; j < v.length; j++) {
                    e.data[i * v.length + j] = u[i] * v[j];
                }
            }
            return e;
        }
    }

    /**
     * @param gapToOptimum P − P* when a convex optimum P* was given, else NaN
     */
    public record Result(Verdict verdict, double objective, double dualValue, double dualityGap, double relativeGap,
                         double maxOpNorm, double lambda, double factorGradientNorm, double stationarity,
                         TargetCheck[] targets, EscapeDirection escape, double gapToOptimum) {
    }

    private Certificate() {
    }

    public static Result check(LinearizedProblem p, LoraFactors x, CertificateConfig cfg, double knownOptimum) {
        CompactSvd[] svd = new CompactSvd[p.targets()];
        for (int l = 0; l < svd.length; l++) {
            svd[l] = CompactSvd.ofFactors(x.b()[l], x.a()[l]);
        }
        double[] z = p.operator().applyLowRank(x.b(), x.a());
        // the given factors' own gradient ∇_B = ∇F Aᵀ + λB, ∇_A = Bᵀ∇F + λA, scaled by λ·√(‖A‖² + ‖B‖²)
        double[] c = p.residual(p.outputsFrom(z));
        double g2 = 0;
        org.ejml.data.DMatrixRMaj gB = new org.ejml.data.DMatrixRMaj(1, 1);
        org.ejml.data.DMatrixRMaj gA = new org.ejml.data.DMatrixRMaj(1, 1);
        for (int l = 0; l < x.targets(); l++) {
            p.operator().adjointLowRank(l, c, x.b()[l], x.a()[l], gB, gA);
            CommonOps_DDRM.addEquals(gB, p.lambda(), x.b()[l]);
            CommonOps_DDRM.addEquals(gA, p.lambda(), x.a()[l]);
            g2 += LoraFactors.dot(gB.data, gB.data, gB.getNumElements()) + LoraFactors.dot(gA.data, gA.data, gA.getNumElements());
        }
        double norm2 = x.squaredNorm();
        double stationarity = norm2 > 0 ? Math.sqrt(g2) / (p.lambda() * Math.sqrt(norm2)) : 0;
        return check(p, z, svd, cfg, knownOptimum, Math.sqrt(g2), stationarity);
    }

    public static Result check(LinearizedProblem p, DMatrixRMaj[] dW, CertificateConfig cfg, double knownOptimum) {
        CompactSvd[] svd = new CompactSvd[p.targets()];
        for (int l = 0; l < svd.length; l++) {
            svd[l] = CompactSvd.of(dW[l]);
        }
        return check(p, p.operator().apply(dW), svd, cfg, knownOptimum, Double.NaN, Double.NaN);
    }

    /** facNorm/stationarity NaN: use the balanced factorisation's factor gradient. */
    private static Result check(LinearizedProblem p, double[] z, CompactSvd[] svd, CertificateConfig cfg, double known,
                                double givenFacNorm, double givenStationarity) {
        MeasurementOperator op = p.operator();
        double lambda = p.lambda();
        double[] f = p.outputsFrom(z);
        double[] c = p.residual(f);
        double objective = p.loss().value(f);
        double maxOp = 0;
        int worst = 0;
        TopSingular worstTop = null;
        double fac2 = 0;
        double nucSum = 0;
        TargetCheck[] checks = new TargetCheck[p.targets()];
        for (int l = 0; l < checks.length; l++) {
            CompactSvd s = svd[l];
            objective += lambda * s.nuclearNorm();
            nucSum += s.nuclearNorm();
            TopSingular top = TopSingular.of(op, l, c, cfg.lanczosTolerance(), 17 + l);
            if (worstTop == null || top.sigma() > maxOp) {
                maxOp = top.sigma();
                worst = l;
                worstTop = top;
            }
            double range = 0;
            if (s.rank() > 0) {
                DMatrixRMaj gv = op.adjointTimes(l, c, s.v());        // ∇F V   [m × ρ]
                DMatrixRMaj gu = op.adjointTransposeTimes(l, c, s.u()); // ∇Fᵀ U [n × ρ]
                CommonOps_DDRM.addEquals(gv, lambda, s.u());
                CommonOps_DDRM.addEquals(gu, lambda, s.v());
                double r2 = 0;
                for (int j = 0; j < s.rank(); j++) {
                    double a2 = colNorm2(gv, j);
                    double b2 = colNorm2(gu, j);
                    r2 += a2;
                    fac2 += s.s()[j] * (a2 + b2);
                }
                range = Math.sqrt(r2) / (lambda * Math.sqrt(s.rank()));
            }
            checks[l] = new TargetCheck(l, top.sigma(), range, s.rank(), s.nuclearNorm());
        }
        double dual = DualityGap.dualValue(p, c, maxOp);
        double gap = objective - dual;
        double relGap = gap / Math.max(Math.abs(objective), 1e-12);
        double facNorm = Double.isNaN(givenFacNorm) ? Math.sqrt(fac2) : givenFacNorm;
        double stationarity = !Double.isNaN(givenStationarity) ? givenStationarity
                : nucSum > 0 ? facNorm / (lambda * Math.sqrt(2 * nucSum)) : 0;
        boolean opOk = maxOp <= lambda * (1 + cfg.opTolerance());
        Verdict verdict;
        if (relGap <= cfg.gapTolerance() && opOk) {
            verdict = Verdict.CERTIFIED_GLOBAL;
        } else if (!opOk && stationarity <= cfg.stationarityTolerance()) {
            verdict = Verdict.STATIONARY_NOT_GLOBAL;
        } else {
            verdict = Verdict.NOT_CONVERGED;
        }
        EscapeDirection escape = null;
        if (maxOp > lambda) {
            double[] u = worstTop.u().clone();
            for (int i = 0; i < u.length; i++) {
                u[i] = -u[i];
            }
            escape = new EscapeDirection(worst, u, worstTop.v().clone(), lambda - maxOp);
        }
        return new Result(verdict, objective, dual, gap, relGap, maxOp, lambda, facNorm, stationarity, checks, escape,
                Double.isNaN(known) ? Double.NaN : objective - known);
    }

    private static double colNorm2(DMatrixRMaj a, int j) {
        double s = 0;
        for (int i = 0; i < a.numRows; i++) {
            double v = a.get(i, j);
            s += v * v;
        }
        return s;
    }
}
