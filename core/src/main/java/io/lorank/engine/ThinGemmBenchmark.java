package io.lorank.engine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The thin products of a linearized LoRA step, alone: per target P = A Xᵀ (A [r × n], X [rows × n]) and gA = Pᵀ X,
 * OpenBLAS, one BLAS thread per call and targets spread over the threads, as {@code BlasFactoredOperator} runs them.
 * Why: a LoRA step's time is these products over X and D (12 targets of 2,048 × 384 in the benchmark workload), so
 * their rate from memory is the floor of the step, and their rate on data already in cache is what fusing the step's
 * two passes could at best reach. Two placements with the same flops: {@code memory} (every target its own X, so each
 * pass streams targets·rows·n values from RAM) and {@code cache} (one X of a few rows per thread, repeated).
 */
public final class ThinGemmBenchmark {
    /** One (precision, placement, product) figure: seconds per pass over all targets and the bytes of X read per second. */
    public record Row(String precision, String placement, String product, double seconds, double gbPerSecond, double gflops,
                      double relDiff) {
    }

    private static final int CACHE_ROWS = 256;

    private ThinGemmBenchmark() {
    }

    public static List<Row> run(int targets, int rows, int n, int r, int threads, int warmup, int runs) {
        List<Row> out = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (boolean fp32 : new boolean[] {false, true}) {
                for (boolean cached : new boolean[] {false, true}) {
                    int cacheRows = Math.min(CACHE_ROWS, rows);
                    Workload w = new Workload(cached ? cacheRows : rows, n, r, fp32, cached ? threads : targets);
                    int reps = cached ? Math.max(1, targets * rows / (cacheRows * threads)) : 1;
                    double bytes = (double) targets * rows * n * (fp32 ? 4 : 8);
                    double flops = 2.0 * targets * rows * n * r;
                    for (boolean adjoint : new boolean[] {false, true}) {
                        double s = GemmBenchmark.median(() -> w.pass(pool, threads, reps, adjoint), warmup, runs);
                        out.add(new Row(fp32 ? "fp32" : "fp64", cached ? "cache" : "memory", adjoint ? "Pᵀ·X" : "A·Xᵀ",
                                s, bytes / s / 1e9, flops / s / 1e9, w.check(adjoint)));
                    }
                    w.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** X per slot, and per slot its own A, P and gA (threads never share an output). */
    private static final class Workload {
        final int rows;
        final int n;
        final int r;
        final boolean fp32;
        final Pointer[] x;
        final Pointer[] a;
        final Pointer[] p;
        final Pointer[] g; // gA of the adjoint product (its own buffer: repeated passes must not feed back into A)

        Workload(int rows, int n, int r, boolean fp32, int slots) {
            this.rows = rows;
            this.n = n;
            this.r = r;
            this.fp32 = fp32;
            Random rnd = new Random(1);
            x = new Pointer[slots];
            a = new Pointer[slots];
            p = new Pointer[slots];
            g = new Pointer[slots];
            for (int s = 0; s < slots; s++) {
                x[s] = random(rnd, (long) rows * n);
                a[s] = random(rnd, (long) r * n);
                p[s] = random(rnd, (long) r * rows);
                g[s] = random(rnd, (long) r * n);
            }
        }

        private Pointer random(Random rnd, long size) {
            if (fp32) {
                float[] v = new float[(int) size];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) rnd.nextGaussian();
                }
                return new FloatPointer(v);
            }
            double[] v = new double[(int) size];
            for (int j = 0; j < v.length; j++) {
                v[j] = rnd.nextGaussian();
            }
            return new DoublePointer(v);
        }

        /** One pass: every target's product (memory), or the same flops on each thread's own cached X (cache). */
        void pass(ExecutorService pool, int threads, int reps, boolean adjoint) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tid = t;
                fs.add(pool.submit(() -> {
                    openblas.blas_set_num_threads(1);
                    for (int s = tid; s < x.length; s += threads) {
                        for (int q = 0; q < reps; q++) {
                            product(s, adjoint);
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private void product(int s, boolean adjoint) {
            int nt = openblas.CblasNoTrans;
            int tr = openblas.CblasTrans;
            int order = openblas.CblasRowMajor;
            if (fp32) {
                FloatPointer xs = (FloatPointer) x[s];
                FloatPointer as = (FloatPointer) a[s];
                FloatPointer ps = (FloatPointer) p[s];
                FloatPointer gs = (FloatPointer) g[s];
                if (adjoint) { // gA [r, n] = Pᵀ X with P [rows, r]
                    openblas.cblas_sgemm(order, tr, nt, r, n, rows, 1f, ps, r, xs, n, 0f, gs, n);
                } else {           // P [r, rows] = A Xᵀ
                    openblas.cblas_sgemm(order, nt, tr, r, rows, n, 1f, as, n, xs, n, 0f, ps, rows);
                }
            } else {
                DoublePointer xs = (DoublePointer) x[s];
                DoublePointer as = (DoublePointer) a[s];
                DoublePointer ps = (DoublePointer) p[s];
                DoublePointer gs = (DoublePointer) g[s];
                if (adjoint) {
                    openblas.cblas_dgemm(order, tr, nt, r, n, rows, 1.0, ps, r, xs, n, 0.0, gs, n);
                } else {
                    openblas.cblas_dgemm(order, nt, tr, r, rows, n, 1.0, as, n, xs, n, 0.0, ps, rows);
                }
            }
        }

        /** Relative Frobenius difference of slot 0's product from a plain fp64 loop, so a fast wrong path shows. */
        double check(boolean adjoint) {
            product(0, adjoint);
            double[] xv = values(x[0]);
            double[] av = values(a[0]);
            double[] pv = values(p[0]);
            double[] got = values(adjoint ? g[0] : p[0]);
            double num = 0;
            double den = 0;
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < (adjoint ? n : rows); j++) {
                    double ref = 0;
                    if (adjoint) { // gA[i, j] = Σ_t P[t, i] X[t, j]
                        for (int t = 0; t < rows; t++) {
                            ref += pv[t * r + i] * xv[t * n + j];
                        }
                    } else {       // P[i, t] = Σ_q A[i, q] X[t, q]
                        for (int q = 0; q < n; q++) {
                            ref += av[i * n + q] * xv[j * n + q];
                        }
                    }
                    double dv = got[i * (adjoint ? n : rows) + j] - ref;
                    num += dv * dv;
                    den += ref * ref;
                }
            }
            return Math.sqrt(num / Math.max(den, 1e-300));
        }

        private double[] values(Pointer q) {
            if (q instanceof FloatPointer f) {
                float[] v = new float[(int) f.capacity()];
                f.get(v);
                double[] d = new double[v.length];
                for (int j = 0; j < v.length; j++) {
                    d[j] = v[j];
                }
                return d;
            }
            DoublePointer dp = (DoublePointer) q;
            double[] d = new double[(int) dp.capacity()];
            dp.get(d);
            return d;
        }

        void close() {
            for (Pointer[] ps : new Pointer[][] {x, a, p, g}) {
                for (Pointer q : ps) {
                    q.close();
                }
            }
        }
    }
}
