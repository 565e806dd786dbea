package io.lorank.kernel;

import io.lorank.LorankException;
import org.ejml.UtilEjml;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernel regression, LM-Kernel-FT's default ({@code LstsqKernelSolver}): α = argmin ‖Θ_reg α − y‖ with the
 * minimum norm, scores = Θ(x, train) α. No regularization by default (reg = 0: Θ_reg = Θ, the fit interpolates
 * the train targets when Θ is non-singular). torch.linalg.lstsq's CPU driver treats singular values below
 * ε·max(R, R)·σ_max as zero; so does this pseudo-inverse, through an SVD (EJML, fp64): α = V Σ⁺ Uᵀ y.
 */
public final class LstsqSolver implements KernelSolver {
    private final double reg;

    LstsqSolver(double reg) {
        this.reg = reg;
    }

    @Override
    public Kind kind() {
        return Kind.LSTSQ;
    }

    @Override
    public boolean fitsResiduals() {
        return true;
    }

    @Override
    public Fit fit(DMatrixRMaj gram, double[] targets) {
        DMatrixRMaj k = KernelSolver.regularized(gram, reg);
        int r = k.numRows;
        if (targets.length != r) {
            throw new IllegalArgumentException(targets.length + " targets for a " + r + "x" + r + " Gram");
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(r, r, true, true, false);
        if (!svd.decompose(k.copy())) {
            throw new LorankException("kernel lstsq: the SVD of the " + r + "x" + r + " train Gram failed (non-finite entries?)");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        double[] s = svd.getSingularValues();
        double max = Arrays.stream(s).max().orElse(0);
        double cut = UtilEjml.EPS * r * max;
        double[] uty = new double[s.length];
        int rank = 0;
        for (int q = 0; q < s.length; q++) {
            if (s[q] <= cut || s[q] == 0) {
                continue;
            }
            rank++;
            double dot = 0;
            for (int i = 0; i < r; i++) {
                dot += u.get(i, q) * targets[i];
            }
            uty[q] = dot / s[q];
        }
        double[] alpha = new double[r];
        for (int i = 0; i < r; i++) {
            double sum = 0;
            for (int q = 0; q < s.length; q++) {
                sum += v.get(i, q) * uty[q];
            }
            alpha[i] = sum;
        }
        double min = Arrays.stream(s).min().orElse(0);
        int finalRank = rank;
        return new Fit() {
            @Override
            public double[] scores(DMatrixRMaj cross) {
                return multiply(cross, alpha);
            }

            @Override
            public Map<String, Object> details() {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("rank", finalRank);
                d.put("sigma_max", max);
                d.put("sigma_min", min);
                d.put("reg", reg);
                return d;
            }
        };
    }

    /** a x for a [M, R] matrix a and x [R]. */
    static double[] multiply(DMatrixRMaj a, double[] x) {
        if (a.numCols != x.length) {
            throw new IllegalArgumentException("cross kernel has " + a.numCols + " columns for " + x.length + " train rows");
        }
        double[] out = new double[a.numRows];
        DMatrixRMaj xv = DMatrixRMaj.wrap(x.length, 1, x);
        DMatrixRMaj ov = DMatrixRMaj.wrap(out.length, 1, out);
        CommonOps_DDRM.mult(a, xv, ov);
        return out;
    }

    /** Singular values of a square matrix, descending. */
    static double[] singularValues(DMatrixRMaj a) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, false, true);
        if (!svd.decompose(a.copy())) {
            throw new LorankException("kernel: the SVD of the " + a.numRows + "x" + a.numCols + " train Gram failed (non-finite entries?)");
        }
        double[] s = svd.getSingularValues().clone();
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }
}
