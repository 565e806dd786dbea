package io.lorank.linearized;

import io.lorank.LorankException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;

/**
 * The factored operator (G_ikl = D_iklᵀ X_il, never formed) on native fp64 GEMMs: OpenBLAS {@code cblas_dgemm} from
 * {@code org.bytedeco:openblas}, the library {@code LapackSvt} already loads. Per target l the tokens of all examples
 * are stacked as in {@link GradientFactors}: X_l [ΣT, n_l] and D_l [K·ΣT, m_l] (block k = rows k·ΣT ..), held
 * off-heap (fp64, converted once from the fp32 factors), with a heap copy of D for the token-wise sums.
 *
 * <p>Per target, with c̃_k(t) = c_{i(t),k} for token t of example i(t) and D̃_l = Σ_k c̃_k ∘ D_l[k] [ΣT, m]:
 * 𝒜(ΔW)_ik = Σ_{t∈i} ⟨D_l[k, t], (X_l ΔWᵀ)[t]⟩ (one GEMM ΣT × n × m); 𝒜*(c)_l = D̃_lᵀ X_l (one GEMM m × ΣT × n);
 * 𝒜(BA)_ik = Σ_{t∈i} ⟨(D_l[k] B)[t], (X_l Aᵀ)[t]⟩; gB = Σ_k D_l[k]ᵀ (c̃_k ∘ X Aᵀ), gA = (Σ_k c̃_k ∘ D_l[k] B)ᵀ X (GEMMs of
 * rank r; the weights go on the thin products). {@link #at} keeps X Aᵀ and D B from the outputs for the gradient at
 * the same point, so a LoRA step reads X and D twice each.
 *
 * <p>Threading: OpenBLAS runs one thread per call and the all-target methods ({@link #adjointAll},
 * {@link #adjointLowRankAll}, {@link #apply}, {@link #applyLowRank}) spread targets over {@link Parallel}'s threads;
 * per-target parts are summed in target order, so results are bitwise the same for any thread count. No state
 * depends on the order of calls; the operator is immutable after construction and thread-safe.
 *
 * <p>Memory: 8·ΣT·(n + 2K·m) bytes per target off-heap plus 8·K·ΣT·m on the heap; {@link #close()} frees the
 * off-heap part at once (otherwise the garbage collector does).
 */
public final class BlasFactoredOperator implements MeasurementOperator, AutoCloseable {
    private final int n;
    private final int k;
    private final int[] offsets; // [N + 1] token offsets
    private final int[] example; // [ΣT] example of each token
    private final int[] m;
    private final int[] cols;
    private final DoublePointer[] x; // [target]: X_l [ΣT, n_l] row-major, off-heap
    private final DoublePointer[] d; // [target]: D_l [K·ΣT, m_l] row-major, off-heap
    private final double[][] dHeap; // [target]: the same D_l on the heap (token-wise sums in Java)

    static {
        openblas.blas_set_num_threads(1); // one thread per call; targets run in parallel (as LapackSvt)
    }

    private BlasFactoredOperator(int outputs, int[] offsets, int[] rows, int[] cols, double[][] xs, double[][] ds) {
        this.k = outputs;
        this.offsets = offsets.clone();
        this.n = offsets.length - 1;
        int total = offsets[n];
        this.example = new int[total];
        for (int i = 0; i < n; i++) {
            for (int t = offsets[i]; t < offsets[i + 1]; t++) {
                example[t] = i;
            }
        }
        this.m = rows.clone();
        this.cols = cols.clone();
        this.x = new DoublePointer[rows.length];
        this.d = new DoublePointer[rows.length];
        this.dHeap = ds;
        for (int l = 0; l < rows.length; l++) {
            if (xs[l].length != (long) total * cols[l] || ds[l].length != (long) outputs * total * rows[l]) {
                throw new LorankException("BLAS factored operator: target " + l + " has X of " + xs[l].length + " and D of "
                        + ds[l].length + " values; expected [" + total + ", " + cols[l] + "] and [" + outputs + "*" + total
                        + ", " + rows[l] + "]");
            }
            x[l] = new DoublePointer(xs[l]);
            d[l] = new DoublePointer(ds[l]);
        }
    }

    /** The operator on {@link GradientFactors} (fp32 factors widened to fp64, same layout). */
    public static BlasFactoredOperator of(GradientFactors f) {
        int nt = f.targets().size();
        int[] rows = new int[nt];
        int[] cs = new int[nt];
        double[][] xs = new double[nt][];
        double[][] ds = new double[nt][];
        for (int l = 0; l < nt; l++) {
            rows[l] = f.targets().get(l).out();
            cs[l] = f.targets().get(l).in();
            xs[l] = widen(f.x()[l]);
            ds[l] = widen(f.d()[l]);
        }
        return new BlasFactoredOperator(f.outputs(), f.offsets(), rows, cs, xs, ds);
    }

    /** The operator on the factors of a {@link FactoredOperator} (fp64, exactly the same values). */
    public static BlasFactoredOperator of(FactoredOperator f) {
        int nt = f.targets();
        int nn = f.examples();
        int kk = f.outputs();
        int[] off = new int[nn + 1];
        for (int i = 0; i < nn; i++) {
            off[i + 1] = off[i] + f.inputs(0, i).numRows;
        }
        int total = off[nn];
        int[] rows = new int[nt];
        int[] cs = new int[nt];
        double[][] xs = new double[nt][];
        double[][] ds = new double[nt][];
        for (int l = 0; l < nt; l++) {
            rows[l] = f.rows(l);
            cs[l] = f.cols(l);
            xs[l] = new double[total * cs[l]];
            ds[l] = new double[kk * total * rows[l]];
            for (int i = 0; i < nn; i++) {
                DMatrixRMaj xi = f.inputs(l, i);
                if (xi.numRows != off[i + 1] - off[i]) {
                    throw new LorankException("BLAS factored operator: target " + l + " example " + i + " has "
                            + xi.numRows + " tokens, target 0 has " + (off[i + 1] - off[i]) + "; expected equal");
                }
                System.arraycopy(xi.data, 0, xs[l], off[i] * cs[l], xi.numRows * cs[l]);
                int ti = xi.numRows;
                DMatrixRMaj di = f.outputGradients(l, i);
                for (int q = 0; q < kk; q++) {
                    System.arraycopy(di.data, q * ti * rows[l], ds[l], (q * total + off[i]) * rows[l], ti * rows[l]);
                }
            }
        }
        return new BlasFactoredOperator(kk, off, rows, cs, xs, ds);
    }

    private static double[] widen(float[] a) {
        double[] b = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            b[j] = a[j];
        }
        return b;
    }

    @Override public int examples() { return n; }
    @Override public int outputs() { return k; }
    @Override public int targets() { return m.length; }
    @Override public int rows(int l) { return m[l]; }
    @Override public int cols(int l) { return cols[l]; }

    /** ΣT. */
    public int totalTokens() {
        return offsets[n];
    }

    /** C [rows × cc] = op(A) op(B) (row-major), fp64, one OpenBLAS thread. */
    private static void gemm(boolean ta, boolean tb, int rows, int cc, int inner, DoublePointer a, int lda,
                             DoublePointer b, int ldb, DoublePointer c) {
        openblas.cblas_dgemm(openblas.CblasRowMajor, ta ? openblas.CblasTrans : openblas.CblasNoTrans,
                tb ? openblas.CblasTrans : openblas.CblasNoTrans, rows, cc, inner, 1.0, a, lda, b, ldb, 0.0, c, cc);
    }

    @Override
    public double[] apply(DMatrixRMaj[] dW) {
        double[][] part = new double[m.length][];
        Parallel.forEach(m.length, l -> part[l] = applyTarget(l, dW[l]));
        return MeasurementOperator.sumInTargetOrder(part, n * k);
    }

    /** Y = X ΔWᵀ [ΣT, m]; out[i, k] = Σ_{t∈i} ⟨D[k, t], Y[t]⟩. */
    private double[] applyTarget(int l, DMatrixRMaj w) {
        int total = totalTokens();
        int mm = m[l];
        double[] y = new double[total * mm];
        try (DoublePointer pw = new DoublePointer(w.data); DoublePointer py = new DoublePointer((long) total * mm)) {
            gemm(false, true, total, mm, cols[l], x[l], cols[l], pw, cols[l], py);
            py.get(y);
        }
        return tokenDots(dHeap[l], y, mm);
    }

    /** out[i·K + k] = Σ_{t∈i} ⟨q[k·ΣT + t], p[t]⟩ over rows of width w (q [K·ΣT, w], p [ΣT, w]). */
    private double[] tokenDots(double[] q, double[] p, int w) {
        int total = totalTokens();
        double[] out = new double[n * k];
        for (int kk = 0; kk < k; kk++) {
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int t = offsets[i]; t < offsets[i + 1]; t++) {
                    int qo = (kk * total + t) * w;
                    int po = t * w;
                    for (int j = 0; j < w; j++) {
                        acc += q[qo + j] * p[po + j];
                    }
                }
                out[i * k + kk] = acc;
            }
        }
        return out;
    }

    @Override
    public double[] applyLowRank(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] subset) {
        double[][] part = new double[m.length][];
        Parallel.forEach(m.length, l -> part[l] = applyLowRankTarget(l, b[l], a[l]));
        double[] out = MeasurementOperator.sumInTargetOrder(part, n * k);
        if (subset != null) { // all rows are computed (GEMMs over all tokens); rows outside the subset are zeroed
            boolean[] keep = new boolean[n];
            for (int i : subset) {
                keep[i] = true;
            }
            for (int i = 0; i < n; i++) {
                if (!keep[i]) {
                    java.util.Arrays.fill(out, i * k, (i + 1) * k, 0.0);
                }
            }
        }
        return out;
    }

    /** P = X Aᵀ [ΣT, r], Q = D B [K·ΣT, r]; out[i, k] = Σ_{t∈i} ⟨Q[k, t], P[t]⟩. */
    private double[] applyLowRankTarget(int l, DMatrixRMaj b, DMatrixRMaj a) {
        double[][] pq = lowRankProducts(l, b, a);
        return tokenDots(pq[1], pq[0], a.numRows);
    }

    /** D̃ = Σ_k c̃_k ∘ D[k] [ΣT, m] (heap), skipping zero coefficients. */
    private double[] combine(int l, double[] c) {
        int total = totalTokens();
        int mm = m[l];
        double[] w = new double[total * mm];
        double[] dl = dHeap[l];
        for (int t = 0; t < total; t++) {
            int i = example[t];
            int wo = t * mm;
            for (int kk = 0; kk < k; kk++) {
                double ck = c[i * k + kk];
                if (ck == 0) {
                    continue;
                }
                int dOff = (kk * total + t) * mm;
                for (int j = 0; j < mm; j++) {
                    w[wo + j] += ck * dl[dOff + j];
                }
            }
        }
        return w;
    }

    @Override
    public DMatrixRMaj adjoint(int l, double[] c) {
        DMatrixRMaj out = new DMatrixRMaj(m[l], cols[l]);
        try (DoublePointer pw = new DoublePointer(combine(l, c)); DoublePointer po = new DoublePointer((long) m[l] * cols[l])) {
            gemm(true, false, m[l], cols[l], totalTokens(), pw, m[l], x[l], cols[l], po);
            po.get(out.data);
        }
        return out;
    }

    /** 𝒜*(c)_l for every target, targets in parallel. */
    @Override
    public DMatrixRMaj[] adjointAll(double[] c) {
        DMatrixRMaj[] g = new DMatrixRMaj[m.length];
        Parallel.forEach(m.length, l -> g[l] = adjoint(l, c));
        return g;
    }

    @Override
    public DMatrixRMaj adjointTimes(int l, double[] c, DMatrixRMaj v) {
        int total = totalTokens();
        int p = v.numCols;
        DMatrixRMaj out = new DMatrixRMaj(m[l], p);
        try (DoublePointer pv = new DoublePointer(v.data); DoublePointer pxv = new DoublePointer((long) total * p);
             DoublePointer pw = new DoublePointer(combine(l, c)); DoublePointer po = new DoublePointer((long) m[l] * p)) {
            gemm(false, false, total, p, cols[l], x[l], cols[l], pv, p, pxv);   // X V   [ΣT, p]
            gemm(true, false, m[l], p, total, pw, m[l], pxv, p, po);            // D̃ᵀ (X V)
            po.get(out.data);
        }
        return out;
    }

    @Override
    public DMatrixRMaj adjointTransposeTimes(int l, double[] c, DMatrixRMaj u) {
        int total = totalTokens();
        int p = u.numCols;
        DMatrixRMaj out = new DMatrixRMaj(cols[l], p);
        try (DoublePointer pu = new DoublePointer(u.data); DoublePointer pdu = new DoublePointer((long) total * p);
             DoublePointer pw = new DoublePointer(combine(l, c)); DoublePointer po = new DoublePointer((long) cols[l] * p)) {
            gemm(false, false, total, p, m[l], pw, m[l], pu, p, pdu);           // D̃ U   [ΣT, p]
            gemm(true, false, cols[l], p, total, x[l], cols[l], pdu, p, po);    // Xᵀ (D̃ U)
            po.get(out.data);
        }
        return out;
    }

    @Override
    public void adjointLowRank(int l, double[] c, DMatrixRMaj b, DMatrixRMaj a, DMatrixRMaj gB, DMatrixRMaj gA) {
        double[][] pq = lowRankProducts(l, b, a);
        lowRankGradient(l, c, pq[0], pq[1], gB, gA);
    }

    /** P = X Aᵀ [ΣT, r] and Q = D B [K·ΣT, r] of target l, on the heap. */
    private double[][] lowRankProducts(int l, DMatrixRMaj b, DMatrixRMaj a) {
        int total = totalTokens();
        int r = a.numRows;
        double[] p = new double[total * r];
        double[] q = new double[k * total * r];
        try (DoublePointer pa = new DoublePointer(a.data); DoublePointer pb = new DoublePointer(b.data);
             DoublePointer pp = new DoublePointer((long) total * r); DoublePointer pq = new DoublePointer((long) k * total * r)) {
            gemm(false, true, total, r, cols[l], x[l], cols[l], pa, cols[l], pp);
            gemm(false, false, k * total, r, m[l], d[l], m[l], pb, r, pq);
            pp.get(p);
            pq.get(q);
        }
        return new double[][] {p, q};
    }

    /**
     * gB = Σ_k D[k]ᵀ (c̃_k ∘ P) as one GEMM Dᵀ P̃ over the stacked [K·ΣT] rows, and gA = Q̃ᵀ X with Q̃ = Σ_k c̃_k ∘ Q[k]
     * [ΣT, r]: the weighting is on the thin r-wide products, so D and X are each read once and D̃ [ΣT, m] is never
     * formed.
     */
    private void lowRankGradient(int l, double[] c, double[] p, double[] q, DMatrixRMaj gB, DMatrixRMaj gA) {
        int total = totalTokens();
        int r = p.length / Math.max(1, total);
        int mm = m[l];
        int nn = cols[l];
        gB.reshape(mm, r);
        gA.reshape(r, nn);
        double[] pw = new double[k * total * r];
        double[] qw = new double[total * r];
        for (int t = 0; t < total; t++) {
            int i = example[t];
            for (int kk = 0; kk < k; kk++) {
                double ck = c[i * k + kk];
                if (ck == 0) {
                    continue;
                }
                int row = (kk * total + t) * r;
                for (int j = 0; j < r; j++) {
                    pw[row + j] = ck * p[t * r + j];
                    qw[t * r + j] += ck * q[row + j];
                }
            }
        }
        try (DoublePointer ppw = new DoublePointer(pw); DoublePointer pqw = new DoublePointer(qw);
             DoublePointer gb = new DoublePointer((long) mm * r); DoublePointer ga = new DoublePointer((long) r * nn)) {
            gemm(true, false, mm, r, k * total, d[l], mm, ppw, r, gb);   // gB = Dᵀ P̃  [m, r]
            gemm(true, false, r, nn, total, pqw, r, x[l], nn, ga);       // gA = Q̃ᵀ X  [r, n]
            gb.get(gB.data);
            ga.get(gA.data);
        }
    }

    /** The outputs at (B, A) with every target's P and Q kept for the gradients at the same point. */
    @Override
    public LowRankPoint at(DMatrixRMaj[] b, DMatrixRMaj[] a) {
        int nt = m.length;
        double[][][] pq = new double[nt][][];
        double[][] part = new double[nt][];
        Parallel.forEach(nt, l -> {
            pq[l] = lowRankProducts(l, b[l], a[l]);
            part[l] = tokenDots(pq[l][1], pq[l][0], a[l].numRows);
        });
        return LowRankPoint.of(MeasurementOperator.sumInTargetOrder(part, n * k),
                (c, gB, gA) -> Parallel.forEach(nt, l -> lowRankGradient(l, c, pq[l][0], pq[l][1], gB[l], gA[l])));
    }

    /** LoRA gradient blocks of every target, targets in parallel. */
    @Override
    public void adjointLowRankAll(double[] c, DMatrixRMaj[] b, DMatrixRMaj[] a, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
        Parallel.forEach(m.length, l -> adjointLowRank(l, c, b[l], a[l], gB[l], gA[l]));
    }

    /** Bytes of the off-heap X, D and the heap copy of D (fp64). */
    @Override
    public long storedBytes() {
        long s = 0;
        for (int l = 0; l < m.length; l++) {
            s += 8L * ((long) totalTokens() * cols[l] + 2L * dHeap[l].length);
        }
        return s;
    }

    /** Frees the off-heap factors now; the operator must not be used afterwards. */
    @Override
    public void close() {
        for (int l = 0; l < m.length; l++) {
            x[l].close();
            d[l].close();
        }
    }
}
