package io.lorank.linearized;

import io.lorank.encoder.LinearTarget;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The empirical NTK on a set of examples, Θ[(i,k),(j,k')] = Σ_l ⟨G_ikl, G_jk'l⟩ (N·K × N·K, row i·K + k), from
 * {@link GradientFactors}. Two exact ways, chosen per target by flop count:
 * <ul>
 *   <li>factors: Σ_st (D_ik D_jk'ᵀ)_st (X_i X_jᵀ)_st, cost ≈ (ΣT)²·(n + K²·m);</li>
 *   <li>dense blocks: form G_l [N·K, m·n] one target at a time, then G_l G_lᵀ, cost ≈ N·K·m·n·(T̄ + N·K).</li>
 * </ul>
 * Dense wins for short sequences relative to m, n (typical few-shot sentences); only one target's G is held.
 */
public final class EntkGram {
    /** Which path a target used. */
    public enum Path { FACTORS, DENSE }

    static {
        org.bytedeco.openblas.global.openblas.blas_set_num_threads(1); // targets run in parallel instead
    }

    private EntkGram() {
    }

    /** Θ with each target on its cheaper path. */
    public static DMatrixRMaj of(GradientFactors f) {
        return of(f, null);
    }

    /** Θ with every target on {@code path} (null: the cheaper one per target). */
    public static DMatrixRMaj of(GradientFactors f, Path path) {
        int nk = f.examples() * f.outputs();
        int nt = f.targets().size();
        DMatrixRMaj[] part = new DMatrixRMaj[nt];
        Parallel.forEach(nt, l -> {
            Path p = path != null ? path : cheaper(f, l);
            part[l] = p == Path.DENSE ? dense(f, l) : factored(f, l);
        });
        DMatrixRMaj theta = new DMatrixRMaj(nk, nk);
        for (DMatrixRMaj q : part) { // in target order: the same sum whatever the thread count
            CommonOps_DDRM.addEquals(theta, q);
        }
        return theta;
    }

    /** The cheaper path for target l by flop count. */
    public static Path cheaper(GradientFactors f, int l) {
        LinearTarget t = f.targets().get(l);
        double st = f.totalTokens();
        double k = f.outputs();
        double nk = f.examples() * k;
        double factors = st * st * (t.in() + k * k * t.out());
        double dense = nk * t.out() * (double) t.in() * (st / f.examples() + nk);
        return factors <= dense ? Path.FACTORS : Path.DENSE;
    }

    /** G_l [N·K, m·n], row i·K + k. */
    public static DMatrixRMaj denseGradients(GradientFactors f, int l) {
        LinearTarget t = f.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = f.outputs();
        DMatrixRMaj g = new DMatrixRMaj(f.examples() * k, m * n);
        DMatrixRMaj di = new DMatrixRMaj(1, 1);
        DMatrixRMaj xi = new DMatrixRMaj(1, 1);
        DMatrixRMaj gi = new DMatrixRMaj(m, n);
        int total = f.totalTokens();
        for (int i = 0; i < f.examples(); i++) {
            int ti = f.tokens(i);
            int s0 = f.offsets()[i];
            xi.reshape(ti, n);
            copy(f.x()[l], s0 * n, xi.data, ti * n);
            for (int kk = 0; kk < k; kk++) {
                di.reshape(ti, m);
                copy(f.d()[l], (kk * total + s0) * m, di.data, ti * m);
                CommonOps_DDRM.multTransA(di, xi, gi);                 // D_ikᵀ X_i [m, n]
                System.arraycopy(gi.data, 0, g.data, (i * k + kk) * m * n, m * n);
            }
        }
        return g;
    }

    /**
     * G_l G_lᵀ on OpenBLAS (fp64): per example and output one dgemm D_ikᵀ X_i [m, n] into G_l [N·K, m·n] (off-heap),
     * then one dsyrk; one OpenBLAS thread (targets run in parallel in {@link #of}).
     */
    private static DMatrixRMaj dense(GradientFactors f, int l) {
        LinearTarget t = f.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = f.outputs();
        int nk = f.examples() * k;
        int total = f.totalTokens();
        long mn = (long) m * n;
        double[] c = new double[nk * nk];
        try (org.bytedeco.javacpp.DoublePointer x = new org.bytedeco.javacpp.DoublePointer(widen(f.x()[l]));
             org.bytedeco.javacpp.DoublePointer d = new org.bytedeco.javacpp.DoublePointer(widen(f.d()[l]));
             org.bytedeco.javacpp.DoublePointer g = new org.bytedeco.javacpp.DoublePointer(nk * mn);
             org.bytedeco.javacpp.DoublePointer out = new org.bytedeco.javacpp.DoublePointer((long) nk * nk)) {
            for (int i = 0; i < f.examples(); i++) {
                int ti = f.tokens(i);
                if (ti == 0) {
                    for (int kk = 0; kk < k; kk++) {
                        org.bytedeco.javacpp.Pointer.memset(g.getPointer((i * k + kk) * mn), 0, mn * 8);
                    }
                    continue;
                }
                int s0 = f.offsets()[i];
                for (int kk = 0; kk < k; kk++) {
                    org.bytedeco.openblas.global.openblas.cblas_dgemm(org.bytedeco.openblas.global.openblas.CblasRowMajor,
                            org.bytedeco.openblas.global.openblas.CblasTrans, org.bytedeco.openblas.global.openblas.CblasNoTrans,
                            m, n, ti, 1.0, d.getPointer((long) (kk * total + s0) * m), m, x.getPointer((long) s0 * n), n, 0.0,
                            g.getPointer((i * k + kk) * mn), n);
                }
            }
            org.bytedeco.openblas.global.openblas.cblas_dsyrk(org.bytedeco.openblas.global.openblas.CblasRowMajor,
                    org.bytedeco.openblas.global.openblas.CblasUpper, org.bytedeco.openblas.global.openblas.CblasNoTrans,
                    nk, (int) mn, 1.0, g, (int) mn, 0.0, out, nk);
            out.get(c);
        }
        DMatrixRMaj theta = new DMatrixRMaj(nk, nk);
        for (int a = 0; a < nk; a++) {
            for (int b = a; b < nk; b++) {
                theta.data[a * nk + b] = c[a * nk + b];
                theta.data[b * nk + a] = c[a * nk + b];
            }
        }
        return theta;
    }

    private static double[] widen(float[] a) {
        double[] b = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            b[j] = a[j];
        }
        return b;
    }

    private static DMatrixRMaj factored(GradientFactors f, int l) {
        LinearTarget t = f.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = f.outputs();
        int total = f.totalTokens();
        DMatrixRMaj x = new DMatrixRMaj(total, n);
        copy(f.x()[l], 0, x.data, total * n);
        DMatrixRMaj kx = new DMatrixRMaj(total, total);
        CommonOps_DDRM.multTransB(x, x, kx);                           // X Xᵀ [ΣT, ΣT]
        DMatrixRMaj[] dk = new DMatrixRMaj[k];
        for (int kk = 0; kk < k; kk++) {
            dk[kk] = new DMatrixRMaj(total, m);
            copy(f.d()[l], kk * total * m, dk[kk].data, total * m);
        }
        int nn = f.examples();
        DMatrixRMaj theta = new DMatrixRMaj(nn * k, nn * k);
        DMatrixRMaj kd = new DMatrixRMaj(total, total);
        int[] off = f.offsets();
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                CommonOps_DDRM.multTransB(dk[a], dk[b], kd);             // D_a D_bᵀ [ΣT, ΣT]
                for (int i = 0; i < nn; i++) {
                    for (int j = 0; j < nn; j++) {
                        double s = 0;
                        for (int p = off[i]; p < off[i + 1]; p++) {
                            int row = p * total;
                            for (int q = off[j]; q < off[j + 1]; q++) {
                                s += kd.data[row + q] * kx.data[row + q];
                            }
                        }
                        theta.set(i * k + a, j * k + b, s);
                    }
                }
            }
        }
        return theta;
    }

    private static void copy(float[] src, int from, double[] dst, int len) {
        for (int j = 0; j < len; j++) {
            dst[j] = src[from + j];
        }
    }
}
