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

    /** The operator on {@link GradientFactors} (converted to fp64, in this class's per-example layout). */
    public static FactoredOperator of(GradientFactors f) {
        int nt = f.targets().size();
        int nn = f.examples();
        int kk = f.outputs();
        int total = f.totalTokens();
        DMatrixRMaj[][] x = new DMatrixRMaj[nt][nn];
        DMatrixRMaj[][] d = new DMatrixRMaj[nt][nn];
        for (int l = 0; l < nt; l++) {
            int cols = f.targets().get(l).in();
            int rows = f.targets().get(l).out();
            for (int i = 0; i < nn; i++) {
                int t = f.tokens(i);
                int s0 = f.offsets()[i];
                x[l][i] = new DMatrixRMaj(t, cols);
                for (int j = 0; j < t * cols; j++) {
                    x[l][i].data[j] = f.x()[l][s0 * cols + j];
                }
                d[l][i] = new DMatrixRMaj(kk * t, rows);
                for (int k = 0; k < kk; k++) {
                    int src = (k * total + s0) * rows;
                    int dst = k * t * rows;
                    for (int j = 0; j < t * rows; j++) {
                        d[l][i].data[dst + j] = f.d()[l][src + j];
                    }
                }
            }
        }
        return new FactoredOperator(nn, kk, x, d);
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
        double[][] part = new double[m.length][];
        Parallel.forEach(m.length, l -> {
            double[] out = new double[n * k];
            DMatrixRMaj y = new DMatrixRMaj(1, 1);
            for (int i = 0; i < n; i++) {
                DMatrixRMaj xi = x[l][i];
                y.reshape(xi.numRows, m[l]);
                CommonOps_DDRM.multTransB(xi, dW[l], y);
                blockDots(d[l][i].data, y.data, xi.numRows * m[l], out, i);
            }
            part[l] = out;
        });
        return MeasurementOperator.sumInTargetOrder(part, n * k);
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
        ensureTransposes();
        double[][] part = new double[m.length][];
        Parallel.forEach(m.length, l -> part[l] = applyLowRankTarget(l, b[l], a[l], subset));
        return MeasurementOperator.sumInTargetOrder(part, n * k);
    }

    /** Pᵀ = A Xᵀ [r × T] and Qᵀ = Bᵀ Dᵀ [r × K·T] by axpys over the token axis (vectorisable), then block dots. */
    private double[] applyLowRankTarget(int l, DMatrixRMaj b, DMatrixRMaj a, int[] subset) {
        double[] out = new double[n * k];
        int r = a.numRows;
        double[] pt = new double[0];
        double[] qt = new double[0];
        int count = subset == null ? n : subset.length;
        for (int s = 0; s < count; s++) {
            int i = subset == null ? s : subset[s];
            int t = x[l][i].numRows;
            if (pt.length < r * t) {
                pt = new double[r * t];
            }
            if (qt.length < r * k * t) {
                qt = new double[r * k * t];
            }
            leftTimesTransposed(a, xt[l][i].data, t, pt);
            rightTransposedTimes(b, dt[l][i].data, k * t, qt);
            for (int kk = 0; kk < k; kk++) {
                double acc = 0;
                for (int j = 0; j < r; j++) {
                    int qo = j * k * t + kk * t;
                    int po = j * t;
                    for (int u = 0; u < t; u++) {
                        acc += qt[qo + u] * pt[po + u];
                    }
                }
                out[i * k + kk] += acc;
            }
        }
        return out;
    }

    /** out [r × len] = A [r × n] · Yᵀ with Yᵀ given as yt [n × len] row-major. */
    private static void leftTimesTransposed(DMatrixRMaj a, double[] yt, int len, double[] out) {
        int r = a.numRows;
        int nn = a.numCols;
        java.util.Arrays.fill(out, 0, r * len, 0.0);
        for (int q = 0; q < nn; q++) {          // row q of Yᵀ stays in L1 across the r output rows
            int yo = q * len;
            for (int j = 0; j < r; j++) {
                double av = a.data[j * nn + q];
                int oo = j * len;
                for (int u = 0; u < len; u++) {
                    out[oo + u] += av * yt[yo + u];
                }
            }
        }
    }

    /** out [r × len] = Bᵀ [r × m] · Yᵀ with Yᵀ given as yt [m × len] row-major (B is m × r). */
    private static void rightTransposedTimes(DMatrixRMaj b, double[] yt, int len, double[] out) {
        int r = b.numCols;
        int mm = b.numRows;
        java.util.Arrays.fill(out, 0, r * len, 0.0);
        for (int p = 0; p < mm; p++) {
            int yo = p * len;
            for (int j = 0; j < r; j++) {
                double bv = b.data[p * r + j];
                int oo = j * len;
                for (int u = 0; u < len; u++) {
                    out[oo + u] += bv * yt[yo + u];
                }
            }
        }
    }

    private volatile boolean transposed;
    private DMatrixRMaj[][] xt; // [target][example]: n_l × T_i   (Xᵀ, built on first low-rank use)
    private DMatrixRMaj[][] dt; // [target][example]: m_l × K·T_i (Dᵀ)

    private synchronized void ensureTransposes() {
        if (transposed) {
            return;
        }
        xt = new DMatrixRMaj[m.length][n];
        dt = new DMatrixRMaj[m.length][n];
        for (int l = 0; l < m.length; l++) {
            for (int i = 0; i < n; i++) {
                xt[l][i] = CommonOps_DDRM.transpose(x[l][i], null);
                dt[l][i] = CommonOps_DDRM.transpose(d[l][i], null);
            }
        }
        transposed = true;
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
        ensureTransposes();
        int r = a.numRows;
        int mm = m[l];
        int nn = cols[l];
        gA.reshape(r, nn);
        gA.zero();
        double[] gbt = new double[r * mm]; // gBᵀ [r × m]
        double[] pt = new double[0];
        double[] qt = new double[0];
        double[] qc = new double[0];
        DMatrixRMaj w = new DMatrixRMaj(1, 1);
        for (int i = 0; i < n; i++) {
            if (MeasurementOperator.rowIsZero(c, i, k)) {
                continue;
            }
            int t = x[l][i].numRows;
            if (pt.length < r * t) {
                pt = new double[r * t];
                qc = new double[r * t];
            }
            if (qt.length < r * k * t) {
                qt = new double[r * k * t];
            }
            leftTimesTransposed(a, xt[l][i].data, t, pt);          // (X Aᵀ)ᵀ   [r × T]
            rightTransposedTimes(b, dt[l][i].data, k * t, qt);     // (D B)ᵀ    [r × K·T]
            java.util.Arrays.fill(qc, 0, r * t, 0.0);               // (D̃ B)ᵀ = Σ_k c_ik (D_k B)ᵀ
            for (int j = 0; j < r; j++) {
                for (int kk = 0; kk < k; kk++) {
                    double ck = c[i * k + kk];
                    int qo = j * k * t + kk * t;
                    for (int u = 0; u < t; u++) {
                        qc[j * t + u] += ck * qt[qo + u];
                    }
                }
            }
            combine(l, i, c, w);                                   // D̃ [T × m]
            double[] xd = x[l][i].data;
            double[] wd = w.data;
            for (int u = 0; u < t; u++) {                           // rows X[u], D̃[u] stay in L1 across j
                int xo = u * nn;
                int wo = u * mm;
                for (int j = 0; j < r; j++) {
                    double qv = qc[j * t + u];                      // gA[j] += (D̃B)[u, j] · X[u]
                    int go = j * nn;
                    for (int q = 0; q < nn; q++) {
                        gA.data[go + q] += qv * xd[xo + q];
                    }
                    double pv = pt[j * t + u];                      // gBᵀ[j] += (XAᵀ)[u, j] · D̃[u]
                    int bo = j * mm;
                    for (int p = 0; p < mm; p++) {
                        gbt[bo + p] += pv * wd[wo + p];
                    }
                }
            }
        }
        gB.reshape(mm, r);
        for (int p = 0; p < mm; p++) {
            for (int j = 0; j < r; j++) {
                gB.data[p * r + j] = gbt[j * mm + p];
            }
        }
    }

    /** Targets in parallel ({@link Parallel}), each on its own output slot. */
    @Override
    public DMatrixRMaj[] adjointAll(double[] c) {
        DMatrixRMaj[] g = new DMatrixRMaj[m.length];
        Parallel.forEach(m.length, l -> g[l] = adjoint(l, c));
        return g;
    }

    /** Targets in parallel ({@link Parallel}), each on its own output slots. */
    @Override
    public void adjointLowRankAll(double[] c, DMatrixRMaj[] b, DMatrixRMaj[] a, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
        ensureTransposes();
        Parallel.forEach(m.length, l -> adjointLowRank(l, c, b[l], a[l], gB[l], gA[l]));
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

    /** Bytes of X and D, doubled once the transposed copies used by the low-rank kernels exist. */
    @Override
    public long storedBytes() {
        long s = 0;
        for (int l = 0; l < m.length; l++) {
            for (int i = 0; i < n; i++) {
                s += 8L * ((long) x[l][i].getNumElements() + d[l][i].getNumElements());
            }
        }
        return transposed ? 2 * s : s;
    }
}
