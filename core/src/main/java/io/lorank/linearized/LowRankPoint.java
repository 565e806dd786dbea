package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;

/**
 * A {@link MeasurementOperator} evaluated at one LoRA point (B, A): the outputs 𝒜(BA) and, for any coefficient vector c
 * (the loss residual at those outputs), the LoRA gradient blocks gB = 𝒜*(c) Aᵀ, gA = Bᵀ 𝒜*(c) of every target.
 * Why a value: a factored operator computes X_l A_lᵀ and D_l B_l for the outputs, and the gradient at the same point
 * needs them again; the point keeps them, so a solver step reads the factors twice instead of three or four times,
 * with no cache hidden in the operator. The caller owns it and closes it (implementations on native memory free it
 * there; the default holds nothing).
 */
public interface LowRankPoint extends AutoCloseable {
    /** 𝒜(BA), N×K row-major (index i·K + k). */
    double[] outputs();

    /** gB[l] (m_l × r) and gA[l] (r × n_l) for every target, overwritten (reshaped). */
    void gradients(double[] c, DMatrixRMaj[] gB, DMatrixRMaj[] gA);

    @Override
    default void close() {
    }

    /** The gradient part of a point: writes gB, gA for a residual c. */
    @FunctionalInterface
    interface Gradients {
        void into(double[] c, DMatrixRMaj[] gB, DMatrixRMaj[] gA);
    }

    /** A point that holds nothing native: its outputs and a gradient function. */
    static LowRankPoint of(double[] outputs, Gradients gradients) {
        return new LowRankPoint() {
            @Override
            public double[] outputs() {
                return outputs;
            }

            @Override
            public void gradients(double[] c, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
                gradients.into(c, gB, gA);
            }
        };
    }
}
