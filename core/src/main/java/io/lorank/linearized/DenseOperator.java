package io.lorank.linearized;

import io.lorank.LorankException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * 𝒜 from dense per-example gradients: per target l an (N·K) × (m_l·n_l) row-major array whose row i·K + k is
 * vec(G_ikl) (row-major m × n). Stored in double, or in float (halves the memory; products still accumulate in
 * double). Apply is one GEMV per target; the adjoint forms 𝒜*(c)_l with one transposed GEMV.
 */
public final class DenseOperator implements MeasurementOperator {
    private final int n;
    private final int k;
    private final int[] m;
    private final int[] cols;
    private final double[][] gd; // [target][(N*K) * (m*n)] or null
    private final float[][] gf;  // float storage or null

    private DenseOperator(int n, int k, int[] m, int[] cols, double[][] gd, float[][] gf) {
        this.n = n;
        this.k = k;
        this.m = m.clone();
        this.cols = cols.clone();
        this.gd = gd;
        this.gf = gf;
        for (int l = 0; l < m.length; l++) {
            long expected = (long) n * k * m[l] * cols[l];
            long got = gd != null ? gd[l].length : gf[l].length;
            if (got != expected) {
                throw new LorankException("dense G for target " + l + " has " + got + " values, expected N*K*m*n = " + expected);
            }
        }
    }

    /** Double storage; g[l] is (N·K) × (m_l·n_l) row-major. The arrays are kept, not copied. */
    public static DenseOperator ofDouble(int examples, int outputs, int[] rows, int[] cols, double[][] g) {
        return new DenseOperator(examples, outputs, rows, cols, g, null);
    }

    /** Float storage; g[l] is (N·K) × (m_l·n_l) row-major. */
    public static DenseOperator ofFloat(int examples, int outputs, int[] rows, int[] cols, float[][] g) {
        return new DenseOperator(examples, outputs, rows, cols, null, g);
    }

    /** vec(G_ikl) as a fresh m × n matrix (tests, small problems). */
    public DMatrixRMaj gradient(int i, int kk, int l) {
        int mn = m[l] * cols[l];
        DMatrixRMaj out = new DMatrixRMaj(m[l], cols[l]);
        int base = (i * k + kk) * mn;
        for (int q = 0; q < mn; q++) {
            out.data[q] = gd != null ? gd[l][base + q] : gf[l][base + q];
        }
        return out;
    }

    @Override public int examples() { return n; }
    @Override public int outputs() { return k; }
    @Override public int targets() { return m.length; }
    @Override public int rows(int l) { return m[l]; }
    @Override public int cols(int l) { return cols[l]; }

    @Override
    public double[] apply(DMatrixRMaj[] dW) {
        double[][] part = new double[m.length][];
        Parallel.forEach(m.length, l -> {
            part[l] = new double[n * k];
            gemv(l, dW[l].data, part[l], null);
        });
        return MeasurementOperator.sumInTargetOrder(part, n * k);
    }

    private void gemv(int l, double[] w, double[] out, int[] subset) {
        int mn = m[l] * cols[l];
        int count = subset == null ? n : subset.length;
        for (int s = 0; s < count; s++) {
            int i = subset == null ? s : subset[s];
            for (int kk = 0; kk < k; kk++) {
                int j = i * k + kk;
                int base = j * mn;
                double acc = 0;
                if (gd != null) {
                    double[] g = gd[l];
                    for (int q = 0; q < mn; q++) {
                        acc += g[base + q] * w[q];
                    }
                } else {
                    float[] g = gf[l];
                    for (int q = 0; q < mn; q++) {
                        acc += g[base + q] * w[q];
                    }
                }
                out[j] += acc;
            }
        }
    }

    @Override
    public double[] applyLowRank(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] subset) {
        double[][] part = new double[m.length][];
        Parallel.forEach(m.length, l -> {
            DMatrixRMaj w = new DMatrixRMaj(m[l], cols[l]);
            CommonOps_DDRM.mult(b[l], a[l], w);
            part[l] = new double[n * k];
            gemv(l, w.data, part[l], subset);
        });
        return MeasurementOperator.sumInTargetOrder(part, n * k);
    }

    @Override
    public DMatrixRMaj adjoint(int l, double[] c) {
        int mn = m[l] * cols[l];
        DMatrixRMaj out = new DMatrixRMaj(m[l], cols[l]);
        double[] acc = out.data;
        for (int j = 0; j < n * k; j++) {
            double cj = c[j];
            if (cj == 0) {
                continue;
            }
            int base = j * mn;
            if (gd != null) {
                double[] g = gd[l];
                for (int q = 0; q < mn; q++) {
                    acc[q] += cj * g[base + q];
                }
            } else {
                float[] g = gf[l];
                for (int q = 0; q < mn; q++) {
                    acc[q] += cj * g[base + q];
                }
            }
        }
        return out;
    }

    @Override
    public DMatrixRMaj adjointTimes(int l, double[] c, DMatrixRMaj v) {
        DMatrixRMaj out = new DMatrixRMaj(m[l], v.numCols);
        CommonOps_DDRM.mult(adjoint(l, c), v, out);
        return out;
    }

    @Override
    public DMatrixRMaj adjointTransposeTimes(int l, double[] c, DMatrixRMaj u) {
        DMatrixRMaj out = new DMatrixRMaj(cols[l], u.numCols);
        CommonOps_DDRM.multTransA(adjoint(l, c), u, out);
        return out;
    }

    @Override
    public void adjointLowRank(int l, double[] c, DMatrixRMaj b, DMatrixRMaj a, DMatrixRMaj gB, DMatrixRMaj gA) {
        DMatrixRMaj g = adjoint(l, c);
        gB.reshape(m[l], a.numRows);
        CommonOps_DDRM.multTransB(g, a, gB);
        gA.reshape(b.numCols, cols[l]);
        CommonOps_DDRM.multTransA(b, g, gA);
    }

    @Override
    public long storedBytes() {
        long s = 0;
        for (int l = 0; l < m.length; l++) {
            s += gd != null ? 8L * gd[l].length : 4L * gf[l].length;
        }
        return s;
    }
}
