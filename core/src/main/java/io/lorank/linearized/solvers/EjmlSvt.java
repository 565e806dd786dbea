package io.lorank.linearized.solvers;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.Arrays;

/** Reference SVT: EJML's full compact SVD (pure Java, fp64), then U_k diag(σ_k − τ) V_kᵀ. */
final class EjmlSvt implements SingularValueThreshold {
    static final EjmlSvt INSTANCE = new EjmlSvt();

    private EjmlSvt() {
    }

    @Override
    public String name() {
        return "EJML SVD (pure Java)";
    }

    @Override
    public double[] singularValues(DMatrixRMaj z) {
        double[] s = org.ejml.dense.row.SingularOps_DDRM.singularValues(z);
        Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            double t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        return s;
    }

    @Override
    public Result threshold(DMatrixRMaj z, double tau) {
        int m = z.numRows;
        int n = z.numCols;
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, true, true, true);
        if (!svd.decompose(z.copy())) {
            throw new IllegalStateException("SVD failed on a " + m + "x" + n + " matrix (non-finite entries?)");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj vt = svd.getV(null, true);
        double[] s = svd.getSingularValues();
        int q = Math.min(m, n);
        int[] keep = new int[q];
        int r = 0;
        for (int j = 0; j < q; j++) {
            if (s[j] > tau) {
                keep[r++] = j;
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(m, n);
        double[] kept = new double[r];
        if (r > 0) {
            DMatrixRMaj us = new DMatrixRMaj(m, r);
            DMatrixRMaj vr = new DMatrixRMaj(r, n);
            for (int jj = 0; jj < r; jj++) {
                int j = keep[jj];
                double sj = s[j] - tau;
                kept[jj] = sj;
                for (int i = 0; i < m; i++) {
                    us.set(i, jj, u.get(i, j) * sj);
                }
                System.arraycopy(vt.data, j * n, vr.data, jj * n, n);
            }
            CommonOps_DDRM.mult(us, vr, out);
        }
        Arrays.sort(kept);
        for (int i = 0; i < r / 2; i++) {
            double t = kept[i];
            kept[i] = kept[r - 1 - i];
            kept[r - 1 - i] = t;
        }
        return new Result(out, kept);
    }
}
