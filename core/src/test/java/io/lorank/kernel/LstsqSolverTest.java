package io.lorank.kernel;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kernel least squares against closed forms: it interpolates the train targets on a non-singular Gram (1e-9), equals
 * Θ⁻¹y on a 2×2 problem (1e-12), the reg·σ_max·I option equals (Θ + reg·σ_max I)⁻¹y (1e-12), a rank-deficient Gram
 * gives the minimum-norm solution Θ⁺y (1e-10), and --adjust-for-init shifts the fit by f0 exactly (1e-9).
 */
class LstsqSolverTest {
    static DMatrixRMaj randomPd(Random rnd, int r) {
        DMatrixRMaj phi = new DMatrixRMaj(r, r + 3);
        for (int q = 0; q < phi.data.length; q++) {
            phi.data[q] = rnd.nextGaussian();
        }
        DMatrixRMaj g = new DMatrixRMaj(r, r);
        CommonOps_DDRM.multTransB(phi, phi, g);
        return g;
    }

    @Test
    void interpolatesTheTrainTargets() {
        Random rnd = new Random(1);
        DMatrixRMaj g = randomPd(rnd, 8);
        double[] y = KernelTargets.of(new int[] {0, 2, 1, 2}, 3, 3);
        double[] y8 = new double[8];
        System.arraycopy(y, 0, y8, 0, 8);
        double[] s = KernelSolver.of(KernelSolver.Kind.LSTSQ, 0).fit(g, y8).scores(g);
        for (int i = 0; i < 8; i++) {
            assertEquals(y8[i], s[i], 1e-9, "train row " + i);
        }
    }

    @Test
    void closedFormOnTwoByTwo() {
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{2, 1}, {1, 2}});
        KernelSolver.Fit fit = KernelSolver.of(KernelSolver.Kind.LSTSQ, 0).fit(g, new double[] {1, -1});
        // Θ⁻¹ y = (1/3)[[2,-1],[-1,2]] [1,-1] = [1, -1]; a test row [3, 0.5] scores 3 - 0.5
        double[] s = fit.scores(new DMatrixRMaj(new double[][] {{3, 0.5}, {1, 0}}));
        assertEquals(2.5, s[0], 1e-12);
        assertEquals(1.0, s[1], 1e-12);
        assertEquals(2, fit.details().get("rank"));
    }

    @Test
    void regularizationAddsRegTimesSigmaMax() {
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{2, 1}, {1, 2}});   // σ = 3, 1
        // reg 0.5 → Θ + 1.5 I; y = [1, -1] is the eigenvector of eigenvalue 1 + 1.5 = 2.5 → α = y / 2.5
        KernelSolver.Fit fit = KernelSolver.of(KernelSolver.Kind.LSTSQ, 0.5).fit(g, new double[] {1, -1});
        double[] s = fit.scores(new DMatrixRMaj(new double[][] {{1, 0}, {0, 1}}));
        assertEquals(0.4, s[0], 1e-12);
        assertEquals(-0.4, s[1], 1e-12);
        DMatrixRMaj reg = KernelSolver.regularized(g, 0.5);
        assertEquals(3.5, reg.get(0, 0), 1e-12);
        assertEquals(1.0, reg.get(0, 1), 0);
        assertEquals(2.0, g.get(0, 0), 0, "the input Gram is not modified");
    }

    @Test
    void rankDeficientGramGivesTheMinimumNormSolution() {
        double[] v = {1, 2, -1};
        DMatrixRMaj g = new DMatrixRMaj(3, 3);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                g.set(i, j, v[i] * v[j]);                                   // Θ = v vᵀ, rank 1
            }
        }
        double[] y = {1, 0, 2};
        // Θ⁺ = v vᵀ / ‖v‖⁴, so α = v (v·y) / ‖v‖⁴ = v · (1 + 0 − 2) / 36
        KernelSolver.Fit fit = KernelSolver.of(KernelSolver.Kind.LSTSQ, 0).fit(g, y);
        DMatrixRMaj eye = CommonOps_DDRM.identity(3);
        double[] alpha = fit.scores(eye);
        for (int i = 0; i < 3; i++) {
            assertEquals(-v[i] / 36, alpha[i], 1e-10, "alpha " + i);
        }
        assertEquals(1, fit.details().get("rank"));
    }

    @Test
    void adjustForInitShiftsByF0Exactly() {
        Random rnd = new Random(9);
        DMatrixRMaj g = randomPd(rnd, 6);
        DMatrixRMaj cross = new DMatrixRMaj(4, 6);
        for (int q = 0; q < cross.data.length; q++) {
            cross.data[q] = rnd.nextGaussian();
        }
        double[] y = KernelTargets.of(new int[] {1, 0, 1, 1, 0, 0}, 1, 2);
        double[] f0 = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25};
        double[] f0Test = {0.7, -0.1, 0.0, 0.2};
        KernelSolver solver = KernelSolver.of(KernelSolver.Kind.LSTSQ, 0);
        // adjusted: fit y − f0, score + f0_test  ==  (fit on y − f0).scores + f0_test, and train scores = y
        double[] adj = KernelTargets.plus(solver.fit(g, KernelTargets.minus(y, f0)).scores(cross), f0Test);
        double[] plain = solver.fit(g, y).scores(cross);
        double[] shift = solver.fit(g, f0).scores(cross);                  // linearity: Θ_x Θ⁻¹(y − f0) = plain − shift
        for (int i = 0; i < 4; i++) {
            assertEquals(plain[i] - shift[i] + f0Test[i], adj[i], 1e-9, "test row " + i);
        }
        double[] train = KernelTargets.plus(solver.fit(g, KernelTargets.minus(y, f0)).scores(g), f0);
        for (int i = 0; i < 6; i++) {
            assertEquals(y[i], train[i], 1e-9, "adjusted fit still interpolates row " + i);
        }
    }
}
