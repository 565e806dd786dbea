package io.lorank.kernel;

import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

/**
 * One target's dense per-example gradients G_l [N·K, m·n] (row-major, row i·K + k, G_ik = D_ikᵀ X_i) off-heap, in
 * fp32 or fp64, and their inner products. One {@code gemm} per example and output on native copies of X_l and D_l
 * (no per-call JNI array copies). The caller closes it: G of a 12 × 384² target set at N·K = 64 is 38 MB in fp32.
 */
final class DenseGradients implements AutoCloseable {
    private final GramPrecision precision;
    private final int rows;
    private final int cols;
    private final Pointer g;

    private DenseGradients(GramPrecision precision, int rows, int cols, Pointer g) {
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        this.g = g;
    }

    static DenseGradients of(GradientFactors f, int l, GramPrecision precision) {
        LinearTarget t = f.targets().get(l);
        int m = t.out();
        int n = t.in();
        int k = f.outputs();
        int total = f.totalTokens();
        long mn = (long) m * n;
        int rows = f.examples() * k;
        boolean single = precision == GramPrecision.FP32;
        Pointer g = single ? new FloatPointer((long) rows * mn) : new DoublePointer((long) rows * mn);
        try (Pointer x = nativeCopy(f.x()[l], single); Pointer d = nativeCopy(f.d()[l], single)) {
            for (int i = 0; i < f.examples(); i++) {
                int ti = f.tokens(i);
                if (ti == 0) {                  // no tokens: G_i = 0 (the gemms below write every other row)
                    g.position(0);              // put(q, v) is relative to the position the gemms moved
                    for (long q = (long) i * k * mn; q < (long) (i + 1) * k * mn; q++) {
                        if (single) {
                            ((FloatPointer) g).put(q, 0f);
                        } else {
                            ((DoublePointer) g).put(q, 0.0);
                        }
                    }
                    continue;
                }
                int s0 = f.offsets()[i];
                x.position((long) s0 * n);                                        // X_i [T_i, n]
                for (int kk = 0; kk < k; kk++) {
                    d.position(((long) kk * total + s0) * m);                     // D_ik [T_i, m]
                    g.position((i * (long) k + kk) * mn);
                    if (single) {                                                 // D_ikᵀ X_i [m, n]
                        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, m, n,
                                ti, 1f, (FloatPointer) d, m, (FloatPointer) x, n, 0f, (FloatPointer) g, n);
                    } else {
                        openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, m, n,
                                ti, 1.0, (DoublePointer) d, m, (DoublePointer) x, n, 0.0, (DoublePointer) g, n);
                    }
                }
            }
        }
        g.position(0);
        return new DenseGradients(precision, rows, (int) mn, g);
    }

    /** G Gᵀ [rows, rows] by a symmetric rank-k update (half a gemm's flops), mirrored to full. */
    double[] selfProduct() {
        int r = rows;
        double[] out = new double[r * r];
        if (precision == GramPrecision.FP32) {
            try (FloatPointer o = new FloatPointer((long) r * r)) {
                openblas.cblas_ssyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasNoTrans, r, cols, 1f,
                        (FloatPointer) g, cols, 0f, o, r);
                widen(o, out);
            }
        } else {
            try (DoublePointer o = new DoublePointer((long) r * r)) {
                openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasNoTrans, r, cols, 1.0,
                        (DoublePointer) g, cols, 0.0, o, r);
                o.get(out);
            }
        }
        for (int a = 0; a < r; a++) {                                             // upper triangle to the lower
            for (int b = a + 1; b < r; b++) {
                out[b * r + a] = out[a * r + b];
            }
        }
        return out;
    }

    /** G Hᵀ [rows, h.rows] for another example set's G of the same target and precision. */
    double[] times(DenseGradients h) {
        int ra = rows;
        int rb = h.rows;
        double[] out = new double[ra * rb];
        if (precision == GramPrecision.FP32) {
            try (FloatPointer o = new FloatPointer((long) ra * rb)) {
                openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ra, rb, cols,
                        1f, (FloatPointer) g, cols, (FloatPointer) h.g, cols, 0f, o, rb);
                widen(o, out);
            }
        } else {
            try (DoublePointer o = new DoublePointer((long) ra * rb)) {
                openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, ra, rb, cols,
                        1.0, (DoublePointer) g, cols, (DoublePointer) h.g, cols, 0.0, o, rb);
                o.get(out);
            }
        }
        return out;
    }

    /** out.length floats of o into out. */
    private static void widen(FloatPointer o, double[] out) {
        float[] v = new float[out.length];
        o.get(v);
        for (int q = 0; q < v.length; q++) {
            out[q] = v[q];
        }
    }

    private static Pointer nativeCopy(float[] v, boolean single) {
        if (single) {
            FloatPointer p = new FloatPointer(v.length);
            p.put(v);
            return p;
        }
        double[] w = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            w[j] = v[j];
        }
        DoublePointer p = new DoublePointer(w.length);
        p.put(w);
        return p;
    }

    @Override
    public void close() {
        g.close();
    }
}
