package io.lorank.entk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;

/**
 * The double ↔ fp32 conversions at the boundary of {@link TorchFactoredOperator}: its interface speaks
 * {@link DMatrixRMaj} and double[] (m × r, N × K: small), its work is fp32 on libtorch. Each conversion copies once.
 */
final class Fp32Arrays {
    private Fp32Arrays() {
    }

    /** m as an fp32 [rows, cols] array of {@code manager}. */
    static NDArray create(NDManager manager, DMatrixRMaj m) {
        float[] f = new float[m.getNumElements()];
        for (int j = 0; j < f.length; j++) {
            f[j] = (float) m.data[j];
        }
        return manager.create(f, new Shape(m.numRows, m.numCols));
    }

    /** The given matrices (equal shapes) as one fp32 [L, rows, cols] array. */
    static NDArray stack(NDManager manager, DMatrixRMaj[] mats, int[] idx) {
        DMatrixRMaj first = mats[idx[0]];
        int size = first.getNumElements();
        float[] f = new float[idx.length * size];
        for (int j = 0; j < idx.length; j++) {
            double[] src = mats[idx[j]].data;
            for (int q = 0; q < size; q++) {
                f[j * size + q] = (float) src[q];
            }
        }
        return manager.create(f, new Shape(idx.length, first.numRows, first.numCols));
    }

    static double[] toDouble(NDArray a) {
        float[] f = a.toFloatArray();
        double[] out = new double[f.length];
        for (int j = 0; j < f.length; j++) {
            out[j] = f[j];
        }
        return out;
    }

    /** a [r, c] as a double matrix. */
    static DMatrixRMaj toMatrix(NDArray a, int r, int c) {
        return DMatrixRMaj.wrap(r, c, toDouble(a));
    }

    /** a [r, c] as the double matrix of its transpose [c, r]. */
    static DMatrixRMaj transposed(NDArray a, int r, int c) {
        float[] f = a.toFloatArray();
        DMatrixRMaj out = new DMatrixRMaj(c, r);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out.data[j * r + i] = f[i * c + j];
            }
        }
        return out;
    }

    /** [K, N] to N×K row-major double. */
    static double[] toNk(NDArray kn, int n, int k) {
        float[] f = kn.toFloatArray();
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int kk = 0; kk < k; kk++) {
                out[i * k + kk] = f[kk * n + i];
            }
        }
        return out;
    }
}
