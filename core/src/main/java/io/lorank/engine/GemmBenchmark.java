package io.lorank.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bytedeco.openblas.global.openblas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * sgemm throughput C[m×n] = A[m×k]·B[k×n] (fp32) on the GEMM libraries in the process: libtorch's (DJL
 * {@code matMul}; MKL inside libtorch 2.7.1 on x86) and OpenBLAS ({@code cblas_sgemm} from {@code org.bytedeco:openblas}),
 * each with all cores. Median of the timed runs; GFLOP/s = 2mnk / s. The two
 * libraries' products are compared (relative Frobenius difference) so a fast wrong path shows.
 */
public final class GemmBenchmark {
    /** One shape's figures (GFLOP/s) and the libtorch vs OpenBLAS relative Frobenius difference of C. */
    public record Row(int m, int k, int n, double torchGflops, double openblasGflops, double relDiff) {
    }

    private GemmBenchmark() {
    }

    public static List<Row> run(List<int[]> shapes, int warmup, int runs) {
        int threads = Engines.intraOpThreads();
        List<Row> rows = new ArrayList<>();
        try (NDManager nm = Engines.newManager()) {
            for (int[] s : shapes) {
                int m = s[0];
                int k = s[1];
                int n = s[2];
                Random rnd = new Random(1);
                float[] a = new float[m * k];
                float[] b = new float[k * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) rnd.nextGaussian();
                }
                double flops = 2.0 * m * n * k;
                float[] ct;
                double tTorch;
                try (NDManager sub = nm.newSubManager()) {
                    NDArray ta = sub.create(a, new Shape(m, k));
                    NDArray tb = sub.create(b, new Shape(k, n));
                    tTorch = median(() -> ta.matMul(tb).close(), warmup, runs);
                    ct = ta.matMul(tb).toFloatArray();
                }
                float[] c = new float[m * n];
                openblas.blas_set_num_threads(threads);
                double tBlas;
                try {
                    tBlas = median(() -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                            m, n, k, 1f, a, k, b, n, 0f, c, n), warmup, runs);
                } finally {
                    openblas.blas_set_num_threads(1); // the SVT path's setting (io.lorank.linearized.solvers.LapackSvt)
                }
                rows.add(new Row(m, k, n, flops / tTorch / 1e9, flops / tBlas / 1e9, relDiff(c, ct)));
            }
        }
        return rows;
    }

    /** Parses "MxKxN,..." (e.g. 2048x384x1536). */
    public static List<int[]> parseShapes(List<String> specs) {
        List<int[]> out = new ArrayList<>();
        for (String s : specs) {
            String[] p = s.toLowerCase(Locale.ROOT).split("x");
            int[] d;
            try {
                d = Arrays.stream(p).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                d = new int[0];
            }
            if (d.length != 3 || Arrays.stream(d).anyMatch(v -> v < 1 || v > 16384)) {
                throw new io.lorank.LorankException("--shapes " + s + ": expected MxKxN with each in [1, 16384], e.g. 2048x384x1536");
            }
            out.add(d);
        }
        return out;
    }

    /** Median seconds of {@code runs} timed calls after {@code warmup} untimed ones. */
    static double median(Runnable body, int warmup, int runs) {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - t0) * 1e-9;
        }
        Arrays.sort(t);
        return runs % 2 == 1 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
    }

    private static double relDiff(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
