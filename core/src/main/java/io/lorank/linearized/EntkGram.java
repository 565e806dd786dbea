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

    private EntkGram() {
    }

    /** Θ with each target on its cheaper path. */
    public static DMatrixRMaj of(GradientFactors f) {
        return of(f, null);
    }

    /** Θ with every target on {@code path} (null: the cheaper one per target). */
    public static DMatrixRMaj of(GradientFactors f, Path path) {
        int nk = f.examples() * f.outputs();
        DMatrixRMaj theta = new DMatrixRMaj(nk, nk);
        for (int l = 0; l < f.targets().size(); l++) {
            Path p = path != null ? path : cheaper(f, l);
            CommonOps_DDRM.addEquals(theta, p == Path.DENSE ? dense(f, l) : factored(f, l));
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

    private static DMatrixRMaj dense(GradientFactors f, int l) {
        DMatrixRMaj g = denseGradients(f, l);
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numRows);
        CommonOps_DDRM.multTransB(g, g, out);
        return out;
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
