package io.lorank.kernel;

import io.lorank.LorankException;
import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import io.lorank.linearized.Parallel;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * The eNTK between two example sets, Θ(a, b)[(i,k),(j,k')] = Σ_l ⟨G^a_ikl, G^b_jk'l⟩ ([N_a·K, N_b·K], row i·K + k,
 * column j·K + k'), from their {@link GradientFactors} (same targets, same K). With a = b it is the train Gram
 * ({@link #gram}); with a a chunk of test examples and b the train set it is a block of the test-vs-train kernel, so
 * the test gradients are streamed chunk by chunk and never all held.
 *
 * <p>Two exact ways per target, chosen by flop count:
 * <ul>
 *   <li>dense: G^a_l [N_a·K, m·n] and G^b_l [N_b·K, m·n] formed (G_ik = D_ikᵀ X_i), then G^a G^bᵀ (a symmetric rank-k
 *   update when a = b); cost ≈ (ΣT_a + ΣT_b)·K·m·n + N_a·N_b·K²·m·n. Dense wins for short sequences relative to m, n
 *   (typical few-shot sentences);</li>
 *   <li>factors: Σ_{s ∈ i, t ∈ j} (D^a_k D^bᵀ_k')_st (X^a X^bᵀ)_st; cost ≈ ΣT_a·ΣT_b·(n + K²·m).</li>
 * </ul>
 * The products run in {@link GramPrecision} (fp32 sgemm on the factors as they are, or fp64 dgemm on widened copies)
 * on OpenBLAS, one BLAS thread per target and the targets spread over {@link Parallel}'s threads; the per-target
 * blocks are summed in fp64 in target order, so the result is the same bits whatever the thread count. Memory: the
 * dense path holds two G_l of one target per thread.
 */
public final class CrossGram {
    /** Which path a target used. */
    public enum Path { FACTORS, DENSE }

    private CrossGram() {
    }

    /** The train Gram Θ(f, f), symmetric, each target on its cheaper path, in the default precision. */
    public static DMatrixRMaj gram(GradientFactors f) {
        return of(f, List.of(f), null, GramPrecision.DEFAULT).get(0);
    }

    /** Θ(a, b) with each target on its cheaper path, in the default precision. */
    public static DMatrixRMaj of(GradientFactors a, GradientFactors b) {
        return of(a, List.of(b), null, GramPrecision.DEFAULT).get(0);
    }

    /** Θ(a, b) with every target on {@code path} (null: the cheaper one per target). */
    public static DMatrixRMaj of(GradientFactors a, GradientFactors b, Path path, GramPrecision precision) {
        return of(a, List.of(b), path, precision).get(0);
    }

    /**
     * Θ(a, b) for each b in {@code bs} (e.g. one test block against every seed's train set): per target, a's dense
     * G is formed once and serves every b on the dense path. {@code path} null: the cheaper one per target and b.
     */
    public static List<DMatrixRMaj> of(GradientFactors a, List<GradientFactors> bs, Path path, GramPrecision precision) {
        for (GradientFactors b : bs) {
            check(a, b);
        }
        int nt = a.targets().size();
        double[][][] blocks = new double[nt][bs.size()][];
        openblas.blas_set_num_threads(1); // parallel over targets instead (OpenBLAS's own pool would spin against it)
        Parallel.forEach(nt, l -> {
            DenseGradients ga = null;
            try {
                for (int bi = 0; bi < bs.size(); bi++) {
                    GradientFactors b = bs.get(bi);
                    Path p = path != null ? path : cheaper(a, b, l);
                    if (p == Path.DENSE) {
                        if (ga == null) {
                            ga = DenseGradients.of(a, l, precision);
                        }
                        blocks[l][bi] = dense(ga, a, b, l, precision);
                    } else {
                        blocks[l][bi] = factored(a, b, l, precision);
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
        double dense = (a == b ? ta : ta + tb) * k * mn + a.examples() * (double) b.examples() * k * k * mn / (a == b ? 2 : 1);
        double factors = ta * tb * (t.in() + k * k * t.out());
        return factors <= dense ? Path.FACTORS : Path.DENSE;
    }

    private static void check(GradientFactors a, GradientFactors b) {
        if (a.outputs() != b.outputs() || !a.targets().equals(b.targets())) {
            throw new LorankException("cross kernel: the two factor sets differ (K " + a.outputs() + " vs " + b.outputs()
                    + ", targets " + a.targets().size() + " vs " + b.targets().size() + "); extract both with the same head and --targets");
        }
    }

    /** G^a G^bᵀ for target l, with G^a already formed; a symmetric rank-k update when b is a. */
    private static double[] dense(DenseGradients ga, GradientFactors a, GradientFactors b, int l, GramPrecision precision) {
        if (a == b) {
            return ga.selfProduct();
        }
        try (DenseGradients gb = DenseGradients.of(b, l, precision)) {
            return ga.times(gb);
        }
    }

    private static double[] factored(GradientFactors a, GradientFactors b, int l, GramPrecision precision) {
        LinearTarget t = a.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = a.outputs();
        int ta = a.totalTokens();
        int tb = b.totalTokens();
        double[] kx = productNT(a.x()[l], 0, b.x()[l], 0, ta, tb, n, precision);          // X^a X^bᵀ [ΣT_a, ΣT_b]
        int na = a.examples();
        int nb = b.examples();
        int rb = nb * k;
        double[] out = new double[na * k * rb];
        int[] oa = a.offsets();
        int[] ob = b.offsets();
        float[][] da = slices(a.d()[l], k, ta * m); // D^a_p, cut once rather than once per (p, q)
        float[][] db = a == b ? da : slices(b.d()[l], k, tb * m);
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < k; q++) {
                double[] kd = productNT(da[p], 0, db[q], 0, ta, tb, m, precision);                 // D^a_p D^bᵀ_q
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

    /** A·Bᵀ [ra, rb] for row-major slices A [ra, inner] of {@code a} at {@code aFrom} and B [rb, inner] of {@code b}. */
    private static double[] productNT(float[] a, int aFrom, float[] b, int bFrom, int ra, int rb, int inner,
                                      GramPrecision precision) {
        double[] out = new double[ra * rb];
        if (ra == 0 || rb == 0) {
            return out;
        }
        if (precision == GramPrecision.FP32) {
            float[] o = new float[ra * rb];
            openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ra, rb, inner, 1f,
                    slice(a, aFrom, ra * inner), inner, slice(b, bFrom, rb * inner), inner, 0f, o, rb);
            for (int q = 0; q < o.length; q++) {
                out[q] = o[q];
            }
        } else {
            openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ra, rb, inner, 1.0,
                    widen(a, aFrom, ra * inner), inner, widen(b, bFrom, rb * inner), inner, 0.0, out, rb);
        }
        return out;
    }

    /** src[from, from + len) (src itself when that is all of it: the BLAS binding takes whole arrays). */
    private static float[] slice(float[] src, int from, int len) {
        return from == 0 && len == src.length ? src : java.util.Arrays.copyOfRange(src, from, from + len);
    }

    /** The K consecutive blocks of {@code len} values of src. */
    private static float[][] slices(float[] src, int k, int len) {
        float[][] out = new float[k][];
        for (int p = 0; p < k; p++) {
            out[p] = slice(src, p * len, len);
        }
        return out;
    }

    private static double[] widen(float[] src, int from, int len) {
        double[] dst = new double[len];
        for (int j = 0; j < len; j++) {
            dst[j] = src[from + j];
        }
        return dst;
    }
}
