package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.Random;

/**
 * LoRA factors for every target: b[l] is B_l [m_l × r], a[l] is A_l [r × n_l], ΔW_l = B_l A_l. Flattened
 * parameter order (for Hessians): per target, B_l row-major then A_l row-major.
 */
public record LoraFactors(DMatrixRMaj[] b, DMatrixRMaj[] a) {

    /** LoRA init: A_l entries N(0, scale²/n_l), B_l = 0; or both random (B_l entries N(0, scale²/m_l)). */
    public static LoraFactors init(MeasurementOperator op, int rank, boolean bothRandom, double scale, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj[] b = new DMatrixRMaj[op.targets()];
        DMatrixRMaj[] a = new DMatrixRMaj[op.targets()];
        for (int l = 0; l < b.length; l++) {
            int m = op.rows(l);
            int n = op.cols(l);
            a[l] = new DMatrixRMaj(rank, n);
            b[l] = new DMatrixRMaj(m, rank);
            for (int j = 0; j < a[l].data.length; j++) {
                a[l].data[j] = rnd.nextGaussian() * scale / Math.sqrt(n);
            }
            if (bothRandom) {
                for (int j = 0; j < b[l].data.length; j++) {
                    b[l].data[j] = rnd.nextGaussian() * scale / Math.sqrt(m);
                }
            }
        }
        return new LoraFactors(b, a);
    }

    public int targets() {
        return b.length;
    }

    public int rank() {
        return a[0].numRows;
    }

    public DMatrixRMaj[] product() {
        DMatrixRMaj[] w = new DMatrixRMaj[b.length];
        for (int l = 0; l < w.length; l++) {
            w[l] = new DMatrixRMaj(b[l].numRows, a[l].numCols);
            CommonOps_DDRM.mult(b[l], a[l], w[l]);
        }
        return w;
    }

    public double squaredNorm() {
        double s = 0;
        for (int l = 0; l < b.length; l++) {
            s += dot(b[l].data, b[l].data, b[l].getNumElements()) + dot(a[l].data, a[l].data, a[l].getNumElements());
        }
        return s;
    }

    public int size() {
        int s = 0;
        for (int l = 0; l < b.length; l++) {
            s += b[l].getNumElements() + a[l].getNumElements();
        }
        return s;
    }

    /** Every entry of B and A is finite. */
    public boolean isFinite() {
        for (double v : flatten()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    public double[] flatten() {
        double[] v = new double[size()];
        int o = 0;
        for (int l = 0; l < b.length; l++) {
            int nb = b[l].getNumElements();
            System.arraycopy(b[l].data, 0, v, o, nb);
            o += nb;
            int na = a[l].getNumElements();
            System.arraycopy(a[l].data, 0, v, o, na);
            o += na;
        }
        return v;
    }

    /** Factors of the same shapes as this, filled from v. */
    public LoraFactors like(double[] v) {
        DMatrixRMaj[] nb = new DMatrixRMaj[b.length];
        DMatrixRMaj[] na = new DMatrixRMaj[a.length];
        int o = 0;
        for (int l = 0; l < b.length; l++) {
            nb[l] = new DMatrixRMaj(b[l].numRows, b[l].numCols);
            System.arraycopy(v, o, nb[l].data, 0, nb[l].getNumElements());
            o += nb[l].getNumElements();
            na[l] = new DMatrixRMaj(a[l].numRows, a[l].numCols);
            System.arraycopy(v, o, na[l].data, 0, na[l].getNumElements());
            o += na[l].getNumElements();
        }
        return new LoraFactors(nb, na);
    }

    public LoraFactors copy() {
        return like(flatten());
    }

    public static double dot(double[] x, double[] y, int len) {
        double s = 0;
        for (int j = 0; j < len; j++) {
            s += x[j] * y[j];
        }
        return s;
    }
}
