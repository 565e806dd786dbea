package io.lorank.linearized;

import io.lorank.linearized.solvers.LoraSolver;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** λ_min by Lanczos on exact HVPs vs the dense Hessian from central differences of the analytic gradient. */
class LoraHessianTest {
    @ParameterizedTest
    @EnumSource(Synthetic.LossKind.class)
    void lanczosMinEigenMatchesDenseHessian(Synthetic.LossKind kind) {
        int k = kind == Synthetic.LossKind.LOGISTIC ? 1 : 2;
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(k, 91), kind, 0.1, 92);
        LoraFactors x = LoraFactors.init(p.operator(), 2, true, 1.0, 93);
        int dim = x.size();
        double[] v = x.flatten();
        double h = 1e-5;
        DMatrixRMaj hess = new DMatrixRMaj(dim, dim);
        for (int j = 0; j < dim; j++) {
            double[] plus = v.clone();
            double[] minus = v.clone();
            plus[j] += h;
            minus[j] -= h;
            LoraFactors xp = x.like(plus);
            LoraFactors xm = x.like(minus);
            double[] gp = LoraSolver.gradient(p, xp, LoraSolver.evaluate(p, xp, null).residual());
            double[] gm = LoraSolver.gradient(p, xm, LoraSolver.evaluate(p, xm, null).residual());
            for (int i = 0; i < dim; i++) {
                hess.set(i, j, (gp[i] - gm[i]) / (2 * h));
            }
        }
        LoraHessian hv = new LoraHessian(p, x);
        // HVP against the finite-difference Hessian column by column (abs 1e-6: FD error ~h²)
        for (int j = 0; j < dim; j += 7) {
            double[] e = new double[dim];
            e[j] = 1;
            double[] col = hv.times(e);
            for (int i = 0; i < dim; i++) {
                assertEquals(hess.get(i, j), col[i], 1e-6, kind + ": H[" + i + "," + j + "]");
            }
        }
        DMatrixRMaj sym = new DMatrixRMaj(dim, dim);
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                sym.set(i, j, 0.5 * (hess.get(i, j) + hess.get(j, i)));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(dim, false, true);
        assertTrue(eig.decompose(sym));
        double dense = Double.POSITIVE_INFINITY;
        for (int i = 0; i < dim; i++) {
            dense = Math.min(dense, eig.getEigenvalue(i).real);
        }
        double lanczos = hv.minEigen(dim, 1e-12, 5).value();
        assertEquals(dense, lanczos, 1e-5, kind + ": lambda_min dense " + dense + " vs Lanczos " + lanczos);
    }
}
