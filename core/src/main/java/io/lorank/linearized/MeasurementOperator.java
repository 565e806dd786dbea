package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;

/**
 * The linear map 𝒜 from weight updates to output changes over one or more LoRA targets:
 * 𝒜(ΔW)_ik = Σ_l ⟨G_ikl, ΔW_l⟩ with G_ikl = ∂f_k(x_i)/∂W_l (m_l × n_l). Outputs and coefficient vectors c are N×K
 * row-major (index i·K + k). The adjoint is 𝒜*(c)_l = Σ_ik c_ik G_ikl (m_l × n_l); "adjoint times" methods apply
 * it to a block of vectors without forming it.
 *
 * <p>Contract for adjoint methods: examples whose row of c is all zero may be skipped (minibatches).
 */
public interface MeasurementOperator {
    int examples();

    int outputs();

    int targets();

    /** m_l: rows of target l (out features). */
    int rows(int l);

    /** n_l: columns of target l (in features). */
    int cols(int l);

    /** 𝒜(ΔW), ΔW[l] is m_l × n_l; returns N×K. */
    double[] apply(DMatrixRMaj[] dW);

    /**
     * 𝒜(B A) without forming B A, B[l] m_l × r, A[l] r × n_l; only the given examples (null = all) are computed,
     * the other rows are 0.
     */
    double[] applyLowRank(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] exampleSubset);

    default double[] applyLowRank(DMatrixRMaj[] b, DMatrixRMaj[] a) {
        return applyLowRank(b, a, null);
    }

    /** The dense adjoint 𝒜*(c)_l, m_l × n_l. */
    DMatrixRMaj adjoint(int l, double[] c);

    /** 𝒜*(c)_l · V, V n_l × p; returns m_l × p. */
    DMatrixRMaj adjointTimes(int l, double[] c, DMatrixRMaj v);

    /** 𝒜*(c)_lᵀ · U, U m_l × p; returns n_l × p. */
    DMatrixRMaj adjointTransposeTimes(int l, double[] c, DMatrixRMaj u);

    /**
     * LoRA gradient blocks for target l: gB = 𝒜*(c)_l A_lᵀ (m × r) and gA = B_lᵀ 𝒜*(c)_l (r × n), written into the
     * given outputs (overwritten).
     */
    default void adjointLowRank(int l, double[] c, DMatrixRMaj b, DMatrixRMaj a, DMatrixRMaj gB, DMatrixRMaj gA) {
        DMatrixRMaj at = new DMatrixRMaj(a.numCols, a.numRows);
        org.ejml.dense.row.CommonOps_DDRM.transpose(a, at);
        gB.setTo(adjointTimes(l, c, at));
        DMatrixRMaj t = adjointTransposeTimes(l, c, b);
        gA.reshape(t.numCols, t.numRows);
        org.ejml.dense.row.CommonOps_DDRM.transpose(t, gA);
    }

    /**
     * 𝒜*(c)_l for every target (one call for all; implementations run the targets in parallel inside, the
     * default loops over {@link #adjoint}).
     */
    default DMatrixRMaj[] adjointAll(double[] c) {
        DMatrixRMaj[] g = new DMatrixRMaj[targets()];
        for (int l = 0; l < g.length; l++) {
            g[l] = adjoint(l, c);
        }
        return g;
    }

    /**
     * {@link #adjointLowRank} for every target in one call: gB[l] (m_l × r) and gA[l] (r × n_l) are overwritten
     * (reshaped). Implementations run the targets in parallel inside; the default loops.
     */
    default void adjointLowRankAll(double[] c, DMatrixRMaj[] b, DMatrixRMaj[] a, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
        for (int l = 0; l < targets(); l++) {
            adjointLowRank(l, c, b[l], a[l], gB[l], gA[l]);
        }
    }

    /**
     * The operator at the LoRA point (B, A): its outputs now, its gradient blocks for any c later. The default
     * computes the outputs with {@link #applyLowRank} and each gradient with {@link #adjointLowRankAll}; factored
     * operators override it to keep the products both share. B and A must not change while the point is in use.
     */
    default LowRankPoint at(DMatrixRMaj[] b, DMatrixRMaj[] a) {
        return LowRankPoint.of(applyLowRank(b, a), (c, gB, gA) -> adjointLowRankAll(c, b, a, gB, gA));
    }

    /** Bytes of the arrays this operator stores (its measurement data). */
    long storedBytes();

    /**
     * Σ_l part[l] over per-target partial outputs (each N×K), added in target order so that results do not depend on
     * how many threads computed the parts.
     */
    static double[] sumInTargetOrder(double[][] part, int size) {
        double[] out = new double[size];
        for (double[] q : part) {
            for (int j = 0; j < size; j++) {
                out[j] += q[j];
            }
        }
        return out;
    }

    static boolean rowIsZero(double[] c, int i, int k) {
        for (int j = i * k; j < (i + 1) * k; j++) {
            if (c[j] != 0) {
                return false;
            }
        }
        return true;
    }
}
