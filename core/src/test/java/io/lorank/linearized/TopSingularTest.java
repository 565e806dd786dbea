package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The certificate's matrix-free top singular value against a dense SVD, at every scale: the dual point of a small-λ
 * problem has ‖𝒜*(c)‖_op ≈ λ ~ 1e-4, so σ² ~ 1e-8, and its relative accuracy decides the duality gap's. With a
 * Lanczos stop of 1e-12·max(1, θ) (the form before this test) the 1e-5 case is off by ~1e-4 relative.
 */
class TopSingularTest {
    @Test
    void topSingularValueIsRelativelyAccurateAtSmallScaleWithANearlyDoubleTop() {
        // one example, one output: 𝒜*(c) = c·G, G = U diag(σ) Vᵀ with σ_1 − σ_2 = 1e-6 (the top of a dual point
        // at an optimum is nearly degenerate: several directions sit at ‖·‖_op = λ)
        Random rnd = new Random(5);
        int m = 40;
        int cols = 30;
        double[] sigma = new double[cols];
        for (int j = 0; j < cols; j++) {
            sigma[j] = 0.5 * rnd.nextDouble();
        }
        sigma[0] = 1;
        sigma[1] = 1 - 1e-6;
        DMatrixRMaj gm = io.lorank.linearized.solvers.SingularValueThresholdTest.planted(m, cols, sigma, rnd);
        DenseOperator op = DenseOperator.ofDouble(1, 1, new int[] {m}, new int[] {cols}, new double[][] {gm.data});
        for (double scale : new double[] {1, 1e-3, 1e-5}) {
            double got = TopSingular.of(op, 0, new double[] {scale}, 1e-12, 17).sigma();
            assertEquals(scale, got, 1e-10 * scale, "scale " + scale);
        }
    }
}
