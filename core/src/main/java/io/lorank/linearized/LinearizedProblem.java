package io.lorank.linearized;

import io.lorank.LorankException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

/**
 * The NTK-regime fine-tuning problem: outputs f(ΔW) = f0 + 𝒜(ΔW) (N×K row-major), data term
 * F(ΔW) = (1/N) Σ_i ℓ(f_i, y_i), and its two regularised forms:
 * <ul>
 *   <li>convex: P(ΔW) = F(ΔW) + λ Σ_l ‖ΔW_l‖_*</li>
 *   <li>LoRA: h(B, A) = F(BA) + λ/2 Σ_l (‖A_l‖²_F + ‖B_l‖²_F), whose minimum over rank-r factors equals min P once
 *       r ≥ rank of a convex minimiser (variational form of the nuclear norm).</li>
 * </ul>
 *
 * @param operator the measurement operator 𝒜
 * @param f0       base outputs, N×K row-major
 * @param loss     the loss and its labels
 * @param lambda   weight decay λ ≥ 0
 */
public record LinearizedProblem(MeasurementOperator operator, double[] f0, Loss loss, double lambda) {
    public LinearizedProblem {
        int nk = operator.examples() * operator.outputs();
        if (f0.length != nk) {
            throw new LorankException("linearized problem: f0 has " + f0.length + " values, expected N*K = " + nk);
        }
        if (loss.examples() != operator.examples() || loss.outputs() != operator.outputs()) {
            throw new LorankException("linearized problem: loss is for N=" + loss.examples() + ", K=" + loss.outputs()
                    + " but the operator has N=" + operator.examples() + ", K=" + operator.outputs());
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new LorankException("linearized problem: lambda = " + lambda + ", expected a finite value >= 0");
        }
    }

    public int examples() { return operator.examples(); }
    public int outputs() { return operator.outputs(); }
    public int targets() { return operator.targets(); }

    public LinearizedProblem withLambda(double newLambda) {
        return new LinearizedProblem(operator, f0, loss, newLambda);
    }

    /** f0 + z. */
    public double[] outputsFrom(double[] z) {
        double[] f = z.clone();
        for (int j = 0; j < f.length; j++) {
            f[j] += f0[j];
        }
        return f;
    }

    /** F at ΔW. */
    public double dataLoss(DMatrixRMaj[] dW) {
        return loss.value(outputsFrom(operator.apply(dW)));
    }

    /** P(ΔW) = F(ΔW) + λ Σ ‖ΔW_l‖_*. */
    public double convexObjective(DMatrixRMaj[] dW) {
        double s = dataLoss(dW);
        for (DMatrixRMaj w : dW) {
            s += lambda * nuclearNorm(w);
        }
        return s;
    }

    /** h(B, A). */
    public double loraObjective(LoraFactors x) {
        return loss.value(outputsFrom(operator.applyLowRank(x.b(), x.a()))) + lambda * 0.5 * x.squaredNorm();
    }

    /** c = ∇F at the outputs f (N×K, includes the 1/N). */
    public double[] residual(double[] f) {
        return loss.gradient(f);
    }

    /** ∇F(ΔW)_l = 𝒜*(c)_l for every target, dense. */
    public DMatrixRMaj[] dataGradient(DMatrixRMaj[] dW) {
        double[] c = residual(outputsFrom(operator.apply(dW)));
        return operator.adjointAll(c);
    }

    /** The smallest λ for which ΔW = 0 is optimal: max_l ‖𝒜*(∇F(0))_l‖_op. */
    public double lambdaMax() {
        double[] c = residual(f0.clone());
        double mx = 0;
        for (int l = 0; l < targets(); l++) {
            mx = Math.max(mx, TopSingular.of(operator, l, c, 1e-12, 7).sigma());
        }
        return mx;
    }

    public static double nuclearNorm(DMatrixRMaj w) {
        double[] s = org.ejml.dense.row.SingularOps_DDRM.singularValues(w);
        double t = 0;
        for (double v : s) {
            t += v;
        }
        return t;
    }

    public DMatrixRMaj[] zeroUpdate() {
        DMatrixRMaj[] z = new DMatrixRMaj[targets()];
        for (int l = 0; l < z.length; l++) {
            z[l] = new DMatrixRMaj(operator.rows(l), operator.cols(l));
        }
        return z;
    }

    static double frob(DMatrixRMaj a) {
        return NormOps_DDRM.normF(a);
    }

    static DMatrixRMaj transpose(DMatrixRMaj a) {
        return CommonOps_DDRM.transpose(a, null);
    }
}
