package io.lorank.linearized;

import io.lorank.LorankException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * 𝒜 from per-token factors, never forming per-example G: G_ikl = D_iklᵀ X_il with X_il [T_i × n_l] (inputs of
 * target l at example i's tokens) and D_ikl [T_i × m_l] (gradient of output k at target l's output), stored as
 * d[l][i] = [K·T_i × m_l] (rows k·T_i .. (k+1)·T_i − 1 are D_ikl). T_i may differ per example.
 *
 * <p>Identities used: ⟨DᵀX, ΔW⟩ = Σ(D ∘ XΔWᵀ); ⟨DᵀX, BA⟩ = Σ((DB) ∘ (XAᵀ)); 𝒜*(c)V = Σ_i D̃_iᵀ (X_i V) with
 * D̃_i = Σ_k c_ik D_ik; 𝒜*(c)ᵀU = Σ_i X_iᵀ (D̃_i U). Costs are O(T·(m + n)·r) per example instead of O(m·n).
 */
public final class FactoredOperator implements MeasurementOperator {
    private final int n;
    private final int k;
    private final int[] m;
    private final int[] cols;
    private final DMatrixRMaj[][] x; // [target][example]: T_i × n_l
    private final DMatrixRMaj[][] d; // [target][example]: K·T_i × m_l

    /** The arrays are kept, not copied. */
    public FactoredOperator(int examples, int outputs, DMatrixRMaj[][] x, DMatrixRMaj[][] d) {
        this.n = examples;
        this.k = outputs;
        this.x = x;
        this.d = d;
        int t = x.length;
        if (d.length != t) {
            throw new LorankException("factored operator: " + x.length + " X targets but " + d.length + " D targets; expected equal");
        }
        this.m = new int[t];
        this.cols = new int[t];
        for (int l = 0; l < t; l++) {
            if (x[l].length != examples || d[l].length != examples) {
                throw new LorankException("factored operator: target " + l + " has " + x[l].length + " X and " + d[l].length
                        + " D examples, expected N = " + examples);
            }
            cols[l] = x[l][0].numCols;
            m[l] = d[l][0].numCols;
            for (int i = 0; i < examples; i++) {
                int ti = x[l][i].numRows;
                if (x[l][i].numCols != cols[l] || d[l][i].numCols != m[l] || d[l][i].numRows != outputs * ti) {
                    throw new LorankException("factored operator: target " + l + " example " + i + ": X is " + shape(x[l][i])
                            + ", D is " + shape(d[l][i]) + ", expected X [T, " + cols[l] + "] and D [K*T = " + outputs * ti + ", " + m[l] + "]");
                }
            }
        }
    }

    private static String shape(DMatrixRMaj a) {
        return "[" + a.numRows + ", " + a.numCols + "]";
    }

    @Override public int examples() { return n; }
    @Override public int outputs() { return k; }
    @Override public int targets() { return m.length; }
    @Override public int rows(int l) { return m[l]; }
    @Override public int cols(int l) { return cols[l]; }

    public DMatrixRMaj inputs(int l, int i) { return x[l][i]; }
    public DMatrixRMaj outputGradients(int l, int i) { return d[l][i]; }

    @Override
    public double[] apply(DMatrixRMaj[] dW) {
        double[] out = new double[n * k];
        DMatrixRMaj y = new DMatrixRMaj(1, 1);
        for (int l = 0; l < m.length; l++) {
            for (int i = 0; i < n; i++) {
                DMatrixRMaj xi = x[l][i];
                y.reshape(xi.numRows, m[l]);
                CommonOps_DDRM.multTransB(xi, dW[l], y);
                blockDots(d[l][i].data, y.data, xi.numRows * m[l], out, i);
            }
        }
        return out;
    }

    /** out[i·K + k] += ⟨q rows of block k, p⟩, each block of length len. */
    private void blockDots(double[] q, double[] p, int len, double[] out, int i) {
        for (int kk = 0; kk < k; kk++) {
            int base = kk * len;
            double acc = 0;
            for (int j = 0; j < len; j++) {
                acc += q[base + j] * p[j];
            }
            out[i * k + kk] += acc;
        }
    }

    @Override
    public double[] applyLowRank(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] subset) {
        double[] out = new double[n * k];
        DMatrixRMaj p = new DMatrixRMaj(1, 1);
        DMatrixRMaj q = new DMatrixRMaj(1, 1);
        int count = subset == null ? n : subset.length;
        for (int l = 0; l < m.length; l++) {
            int r = a[l].numRows;
            for (int s = 0; s < count; s++) {
                int i = subset == null ? s : subset[s];
                DMatrixRMaj xi = x[l][i];
                p.reshape(xi.numRows, r);
                CommonOps_DDRM.multTransB(xi, a[l], p);       // X Aᵀ   [T × r]
                q.reshape(d[l][i].numRows, r);
                CommonOps_DDRM.mult(d[l][i], b[l], q);        // D B    [K·T × r]
                blockDots(q.data, p.data, xi.numRows * r, out, i);
            }
        }
        return out;
    }

    /** D̃_i = Σ_k c_ik D_ikl into w (T_i × m_l). */
    private void combine(int l, int i, double[] c, DMatrixRMaj w) {
        DMatrixRMaj di = d[l][i];
        int ti = x[l][i].numRows;
        int len = ti * m[l];
        w.reshape(ti, m[l]);
        double[] wd = w.data;
        java.util.Arrays.fill(wd, 0, len, 0.0);
        for (int kk = 0; kk < k; kk++) {
            double ck = c[i * k + kk];
            if (ck == 0) {
                continue;
            }
            int base = kk * len;
            for (int j = 0; j < len; j++) {
                wd[j] += ck * di.data[base + j];
            }
        }
    }

    @Override
    public DMatrixRMaj adjoint(int l, double[] c) {
        DMatrixRMaj out = new DMatrixRMaj(m[l], cols[l]);
        DMatrixRMaj w = new DMatrixRMaj(1, 1);
        for (int i = 0; i < n; i++) {
            if (MeasurementOperator.rowIsZero(c, i, k)) {
                continue;
            }
            combine(l, i, c, w);
            CommonOps_DDRM.multAddTransA(w, x[l][i], out);
        }
        return out;
    }

    @Override
    public DMatrixRMaj adjointTimes(int l, double[] c, DMatrixRMaj v) {
        DMatrixRMaj out = new DMatrixRMaj(m[l], v.numCols);
        DMatrixRMaj w = new DMatrixRMaj(1, 1);
        DMatrixRMaj xv = new DMatrixRMaj(1, 1);
        for (int i = 0; i < n; i++) {
            if (MeasurementOperator.rowIsZero(c, i, k)) {
                continue;
            }
            combine(l, i, c, w);
            xv.reshape(x[l][i].numRows, v.numCols);
            CommonOps_DDRM.mult(x[l][i], v, xv);
            CommonOps_DDRM.multAddTransA(w, xv, out);
        }
        return out;
    }

    @Override
    public DMatrixRMaj adjointTransposeTimes(int l, double[] c, DMatrixRMaj u) {
        DMatrixRMaj out = new DMatrixRMaj(cols[l], u.numCols);
        DMatrixRMaj w = new DMatrixRMaj(1, 1);
        DMatrixRMaj du = new DMatrixRMaj(1, 1);
        for (int i = 0; i < n; i++) {
            if (MeasurementOperator.rowIsZero(c, i, k)) {
                continue;
            }
            combine(l, i, c, w);
            du.reshape(w.numRows, u.numCols);
            CommonOps_DDRM.mult(w, u, du);
            CommonOps_DDRM.multAddTransA(x[l][i], du, out);
        }
        return out;
    }

    @Override
    public void adjointLowRank(int l, double[] c, DMatrixRMaj b, DMatrixRMaj a, DMatrixRMaj gB, DMatrixRMaj gA) {
        int r = a.numRows;
        gB.reshape(m[l], r);
        gB.zero();
        gA.reshape(r, cols[l]);
        gA.zero();
        DMatrixRMaj w = new DMatrixRMaj(1, 1);
        DMatrixRMaj p = new DMatrixRMaj(1, 1);
        DMatrixRMaj q = new DMatrixRMaj(1, 1);
        for (int i = 0; i < n; i++) {
            if (MeasurementOperator.rowIsZero(c, i, k)) {
                continue;
            }
            DMatrixRMaj xi = x[l][i];
            combine(l, i, c, w);
            p.reshape(xi.numRows, r);
            CommonOps_DDRM.multTransB(xi, a, p);          // X Aᵀ  [T × r]
            CommonOps_DDRM.multAddTransA(w, p, gB);       // D̃ᵀ X Aᵀ [m × r]
            q.reshape(xi.numRows, r);
            CommonOps_DDRM.mult(w, b, q);                 // D̃ B  [T × r]
            CommonOps_DDRM.multAddTransA(q, xi, gA);      // Bᵀ D̃ᵀ X [r × n]
        }
    }

    /** The same operator with G formed densely (double storage); for tests and small problems. */
    public DenseOperator toDense() {
        double[][] g = new double[m.length][];
        DMatrixRMaj gi = new DMatrixRMaj(1, 1);
        for (int l = 0; l < m.length; l++) {
            int mn = m[l] * cols[l];
            g[l] = new double[n * k * mn];
            for (int i = 0; i < n; i++) {
                int ti = x[l][i].numRows;
                for (int kk = 0; kk < k; kk++) {
                    DMatrixRMaj dk = CommonOps_DDRM.extract(d[l][i], kk * ti, (kk + 1) * ti, 0, m[l]);
                    gi.reshape(m[l], cols[l]);
                    CommonOps_DDRM.multTransA(dk, x[l][i], gi);
                    System.arraycopy(gi.data, 0, g[l], (i * k + kk) * mn, mn);
                }
            }
        }
        return DenseOperator.ofDouble(n, k, m, cols, g);
    }

    @Override
    public long storedBytes() {
        long s = 0;
        for (int l = 0; l < m.length; l++) {
            for (int i = 0; i < n; i++) {
                s += 8L * ((long) x[l][i].getNumElements() + d[l][i].getNumElements());
            }
        }
        return s;
    }
}
