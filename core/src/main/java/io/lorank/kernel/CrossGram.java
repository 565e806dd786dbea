package io.lorank.kernel;

import io.lorank.LorankException;
import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import io.lorank.linearized.Parallel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

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
        return of(a, List.of(b), path).get(0);
    }

    /**
     * Θ(a, b) for each b in {@code bs} (e.g. one test block against every seed's train set): per target, a's dense
     * G is formed once and serves every b on the dense path. {@code path} null: the cheaper one per target and b.
     */
    public static List<DMatrixRMaj> of(GradientFactors a, List<GradientFactors> bs, Path path) {
        for (GradientFactors b : bs) {
            check(a, b);
        }
        int nt = a.targets().size();
        double[][][] blocks = new double[nt][bs.size()][];
        openblas.blas_set_num_threads(1); // parallel over targets instead (OpenBLAS's own pool would spin against it)
        Parallel.forEach(nt, l -> {
            DoublePointer ga = null;
            try {
                for (int bi = 0; bi < bs.size(); bi++) {
                    GradientFactors b = bs.get(bi);
                    Path p = path != null ? path : cheaper(a, b, l);
                    if (p == Path.DENSE) {
                        if (ga == null) {
                            ga = denseGradients(a, l);
                        }
                        blocks[l][bi] = dense(ga, a, b, l);
                    } else {
                        blocks[l][bi] = factored(a, b, l);
                    }
                }
            } finally {
                if (ga != null) {
                    ga.close();
                }
            }
        });
        List<DMatrixRMaj> out = new ArrayList<>();
        for (int bi = 0; bi < bs.size(); bi++) {
            DMatrixRMaj theta = new DMatrixRMaj(a.examples() * a.outputs(), bs.get(bi).examples() * bs.get(bi).outputs());
            for (int l = 0; l < nt; l++) {                     // target order: the same bits for any thread count
                double[] blk = blocks[l][bi];
                for (int q = 0; q < blk.length; q++) {
                    theta.data[q] += blk[q];
                }
            }
            out.add(theta);
        }
        return out;
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

    /**
     * G_l [N·K, m·n] (row-major, row i·K + k) in fp64 off-heap (the caller closes it): G_ik = D_ikᵀ X_i, one
     * {@code dgemm} per example and output on native copies of X_l and D_l (no per-call JNI array copies).
     */
    static DoublePointer denseGradients(GradientFactors f, int l) {
        LinearTarget t = f.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = f.outputs();
        int total = f.totalTokens();
        long mn = (long) m * n;
        DoublePointer g = new DoublePointer((long) f.examples() * k * mn);
        g.zero();
        try (DoublePointer x = nativeCopy(f.x()[l]); DoublePointer d = nativeCopy(f.d()[l])) {
            for (int i = 0; i < f.examples(); i++) {
                int ti = f.tokens(i);
                if (ti == 0) {
                    continue;
                }
                int s0 = f.offsets()[i];
                x.position((long) s0 * n);                                             // X_i [T_i, n]
                for (int kk = 0; kk < k; kk++) {
                    d.position(((long) kk * total + s0) * m);                          // D_ik [T_i, m]
                    g.position((i * (long) k + kk) * mn);
                    openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, m, n, ti,
                            1.0, d, m, x, n, 0.0, g, n);                              // D_ikᵀ X_i [m, n]
                }
            }
        }
        g.position(0);
        return g;
    }

    /** G^a G^bᵀ for target l, with G^a already formed. */
    private static double[] dense(DoublePointer ga, GradientFactors a, GradientFactors b, int l) {
        LinearTarget t = a.targets().get(l);
        int mn = t.out() * t.in();
        int ra = a.examples() * a.outputs();
        int rb = b.examples() * b.outputs();
        double[] out = new double[ra * rb];
        DoublePointer gb = a == b ? null : denseGradients(b, l);
        try (DoublePointer o = new DoublePointer((long) ra * rb)) {
            openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ra, rb, mn, 1.0,
                    ga, mn, gb == null ? ga : gb, mn, 0.0, o, rb);                    // G^a G^bᵀ [ra, rb]
            o.get(out);
        } finally {
            if (gb != null) {
                gb.close();
            }
        }
        return out;
    }

    private static DoublePointer nativeCopy(float[] v) {
        double[] w = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            w[j] = v[j];
        }
        DoublePointer p = new DoublePointer(w.length);
        p.put(w);
        return p;
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
