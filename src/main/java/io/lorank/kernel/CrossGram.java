package io.lorank.kernel;

import io.lorank.LorankException;
import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import io.lorank.linearized.Parallel;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;

/**
 * The eNTK between two example sets, Θ(a, b)[(i,k),(j,k')] = Σ_l ⟨G^a_ikl, G^b_jk'l⟩ ([N_a·K, N_b·K], row i·K + k,
 * column j·K + k'), from their {@link GradientFactors} (same targets, same K). With a = b it is the train Gram; with a
 * a chunk of test examples and b the train set it is a block of the test-vs-train kernel, so the test gradients are
 * streamed chunk by chunk and never all held.
 *
 * <p>Two exact ways per target, chosen by flop count (the rule of {@link io.lorank.linearized.EntkGram}, for a
 * pair of sets):
 * <ul>
 *   <li>dense: G^a_l [N_a·K, m·n] and G^b_l [N_b·K, m·n] formed (G_ik = D_ikᵀ X_i), then G^a G^bᵀ; cost ≈
 *   (ΣT_a + ΣT_b)·K·m·n + N_a·N_b·K²·m·n;</li>
 *   <li>factors: Σ_{s ∈ i, t ∈ j} (D^a_k D^bᵀ_k')_st (X^a X^bᵀ)_st; cost ≈ ΣT_a·ΣT_b·(n + K²·m).</li>
 * </ul>
 * Arithmetic is fp64 (factors are widened from fp32) on OpenBLAS {@code dgemm}, one BLAS thread per target and the
 * targets spread over {@link Parallel}'s threads; the per-target blocks are summed in target order, so the result is
 * the same bits whatever the thread count. Memory: the dense path holds two G_l of one target per thread.
 */
public final class CrossGram {
    /** Which path a target used. */
    public enum Path { FACTORS, DENSE }

    private CrossGram() {
    }

    /** Θ(a, b) with each target on its cheaper path. */
    public static DMatrixRMaj of(GradientFactors a, GradientFactors b) {
        return of(a, b, null);
    }

    /** Θ(a, b) with every target on {@code path} (null: the cheaper one per target). */
    public static DMatrixRMaj of(GradientFactors a, GradientFactors b, Path path) {
        check(a, b);
        int nt = a.targets().size();
        double[][] blocks = new double[nt][];
        openblas.blas_set_num_threads(1); // parallel over targets instead (OpenBLAS's own pool would spin against it)
        Parallel.forEach(nt, l -> {
            Path p = path != null ? path : cheaper(a, b, l);
            blocks[l] = p == Path.DENSE ? dense(a, b, l) : factored(a, b, l);
        });
        int ra = a.examples() * a.outputs();
        int rb = b.examples() * b.outputs();
        DMatrixRMaj theta = new DMatrixRMaj(ra, rb);
        for (double[] blk : blocks) {
            for (int q = 0; q < blk.length; q++) {
                theta.data[q] += blk[q];
            }
        }
        return theta;
    }

    /** The cheaper path for target l by flop count. */
    public static Path cheaper(GradientFactors a, GradientFactors b, int l) {
        LinearTarget t = a.targets().get(l);
        double k = a.outputs();
        double mn = (double) t.out() * t.in();
        double ta = a.totalTokens();
        double tb = b.totalTokens();
        double dense = (ta + tb) * k * mn + a.examples() * (double) b.examples() * k * k * mn;
        double factors = ta * tb * (t.in() + k * k * t.out());
        return factors <= dense ? Path.FACTORS : Path.DENSE;
    }

    private static void check(GradientFactors a, GradientFactors b) {
        if (a.outputs() != b.outputs() || !a.targets().equals(b.targets())) {
            throw new LorankException("cross kernel: the two factor sets differ (K " + a.outputs() + " vs " + b.outputs()
                    + ", targets " + a.targets().size() + " vs " + b.targets().size() + "); extract both with the same head and --targets");
        }
    }

    /** G_l [N·K, m·n] (row-major, row i·K + k) in fp64: G_ik = D_ikᵀ X_i. */
    static double[] denseGradients(GradientFactors f, int l) {
        LinearTarget t = f.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = f.outputs();
        int total = f.totalTokens();
        int mn = m * n;
        double[] g = new double[f.examples() * k * mn];
        int maxT = 0;
        for (int i = 0; i < f.examples(); i++) {
            maxT = Math.max(maxT, f.tokens(i));
        }
        double[] xi = new double[maxT * n];
        double[] di = new double[maxT * m];
        double[] gi = new double[mn];
        for (int i = 0; i < f.examples(); i++) {
            int ti = f.tokens(i);
            if (ti == 0) {
                continue;
            }
            int s0 = f.offsets()[i];
            widen(f.x()[l], s0 * n, xi, ti * n);                                      // X_i [T_i, n]
            for (int kk = 0; kk < k; kk++) {
                widen(f.d()[l], (kk * total + s0) * m, di, ti * m);                   // D_ik [T_i, m]
                openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, m, n, ti,
                        1.0, di, m, xi, n, 0.0, gi, n);                              // D_ikᵀ X_i [m, n]
                System.arraycopy(gi, 0, g, (i * k + kk) * mn, mn);
            }
        }
        return g;
    }

    private static double[] dense(GradientFactors a, GradientFactors b, int l) {
        LinearTarget t = a.targets().get(l);
        int mn = t.out() * t.in();
        int ra = a.examples() * a.outputs();
        int rb = b.examples() * b.outputs();
        double[] ga = denseGradients(a, l);
        double[] gb = a == b ? ga : denseGradients(b, l);
        double[] out = new double[ra * rb];
        openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ra, rb, mn, 1.0,
                ga, mn, gb, mn, 0.0, out, rb);                                        // G^a G^bᵀ [ra, rb]
        return out;
    }

    private static double[] factored(GradientFactors a, GradientFactors b, int l) {
        LinearTarget t = a.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = a.outputs();
        int ta = a.totalTokens();
        int tb = b.totalTokens();
        double[] xa = widen(a.x()[l], 0, new double[ta * n], ta * n);
        double[] xb = widen(b.x()[l], 0, new double[tb * n], tb * n);
        double[] kx = new double[ta * tb];
        openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ta, tb, n, 1.0,
                xa, n, xb, n, 0.0, kx, tb);                                           // X^a X^bᵀ [ΣT_a, ΣT_b]
        double[][] da = new double[k][];
        double[][] db = new double[k][];
        for (int kk = 0; kk < k; kk++) {
            da[kk] = widen(a.d()[l], kk * ta * m, new double[ta * m], ta * m);
            db[kk] = widen(b.d()[l], kk * tb * m, new double[tb * m], tb * m);
        }
        int na = a.examples();
        int nb = b.examples();
        int rb = nb * k;
        double[] out = new double[na * k * rb];
        double[] kd = new double[ta * tb];
        int[] oa = a.offsets();
        int[] ob = b.offsets();
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < k; q++) {
                openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ta, tb, m,
                        1.0, da[p], m, db[q], m, 0.0, kd, tb);                        // D^a_p D^bᵀ_q [ΣT_a, ΣT_b]
                for (int i = 0; i < na; i++) {
                    for (int j = 0; j < nb; j++) {
                        double s = 0;
                        for (int u = oa[i]; u < oa[i + 1]; u++) {
                            int row = u * tb;
                            for (int v = ob[j]; v < ob[j + 1]; v++) {
                                s += kd[row + v] * kx[row + v];
                            }
                        }
                        out[(i * k + p) * rb + j * k + q] = s;
                    }
                }
            }
        }
        return out;
    }

    private static double[] widen(float[] src, int from, double[] dst, int len) {
        for (int j = 0; j < len; j++) {
            dst[j] = src[from + j];
        }
        return dst;
    }
}
