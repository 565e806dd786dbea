package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * ΔW = U diag(s) Vᵀ with only the singular values above relTol·s_1 kept: u [m × ρ], v [n × ρ], s descending.
 * From factors B A it needs only two thin QRs and an r × r SVD (B = Q_B R_B, Aᵀ = Q_A R_A, R_B R_Aᵀ = U' S V'ᵀ).
 */
public record CompactSvd(DMatrixRMaj u, double[] s, DMatrixRMaj v) {
    public static final double REL_TOL = 1e-10;

    public int rank() {
        return s.length;
    }

    public double nuclearNorm() {
        double t = 0;
        for (double x : s) {
            t += x;
        }
        return t;
    }

    public static CompactSvd of(DMatrixRMaj w) {
        return fromSvd(w, null, null);
    }

    public static CompactSvd ofFactors(DMatrixRMaj b, DMatrixRMaj a) {
        int r = b.numCols;
        QRDecomposition<DMatrixRMaj> qb = DecompositionFactory_DDRM.qr(b.numRows, r);
        DMatrixRMaj at = CommonOps_DDRM.transpose(a, null);
        QRDecomposition<DMatrixRMaj> qa = DecompositionFactory_DDRM.qr(at.numRows, r);
        if (!qb.decompose(b.copy()) || !qa.decompose(at)) {
            // EJML's Householder QR reports failure on an exactly zero column (a target whose LoRA factor decayed
            // to 0 because its ‖𝒜*(c)_l‖_op < λ); the dense m × n product is then small enough to decompose directly
            DMatrixRMaj w = new DMatrixRMaj(b.numRows, a.numCols);
            CommonOps_DDRM.mult(b, a, w);
            return of(w);
        }
        DMatrixRMaj rb = qb.getR(null, true);
        DMatrixRMaj ra = qa.getR(null, true);
        DMatrixRMaj core = new DMatrixRMaj(rb.numRows, ra.numRows);
        CommonOps_DDRM.multTransB(rb, ra, core);
        return fromSvd(core, qb.getQ(null, true), qa.getQ(null, true));
    }

    private static CompactSvd fromSvd(DMatrixRMaj w, DMatrixRMaj leftBasis, DMatrixRMaj rightBasis) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(w.numRows, w.numCols, true, true, true);
        if (!svd.decompose(w.copy())) {
            throw new IllegalStateException("SVD failed on a " + w.numRows + "x" + w.numCols + " matrix");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        double[] sv = svd.getSingularValues();
        int q = svd.numberOfSingularValues();
        Integer[] order = new Integer[q];
        for (int j = 0; j < q; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(sv[y], sv[x]));
        double top = q > 0 ? sv[order[0]] : 0;
        int rho = 0;
        while (rho < q && sv[order[rho]] > REL_TOL * top && sv[order[rho]] > 0) {
            rho++;
        }
        DMatrixRMaj uk = new DMatrixRMaj(u.numRows, rho);
        DMatrixRMaj vk = new DMatrixRMaj(v.numRows, rho);
        double[] s = new double[rho];
        for (int jj = 0; jj < rho; jj++) {
            int j = order[jj];
            s[jj] = sv[j];
            for (int i = 0; i < u.numRows; i++) {
                uk.set(i, jj, u.get(i, j));
            }
            for (int i = 0; i < v.numRows; i++) {
                vk.set(i, jj, v.get(i, j));
            }
        }
        if (leftBasis != null) {
            uk = CommonOps_DDRM.mult(leftBasis, uk, null);
            vk = CommonOps_DDRM.mult(rightBasis, vk, null);
        }
        return new CompactSvd(uk, s, vk);
    }
}
