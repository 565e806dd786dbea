package io.lorank.kernel;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logistic and SVM solvers on toy kernels: 100 % train and test accuracy on a separable problem; the SVM's
 * decision function equals the hard-coded two-point dual solution (1e-9); the logistic fit is a stationary point of
 * its objective ½‖w‖² + C Σ log(1 + exp(−ỹ(w·θ + b))) (gradient ≤ 1e-5 of its value at 0); scikit-learn's
 * StratifiedKFold fold assignment on its documented example.
 */
class ClassifierSolversTest {
    static final double[] XS = {-3, -2, -1, 1, 2, 3};
    static final int[] LABELS = {0, 0, 0, 1, 1, 1};
    static final double[] TEST = {-2.5, -0.5, 0.7, 4};
    static final int[] TEST_LABELS = {0, 0, 1, 1};

    /** Linear kernel plus one on 1-D points. */
    static DMatrixRMaj kernel(double[] a, double[] b) {
        DMatrixRMaj k = new DMatrixRMaj(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                k.set(i, j, a[i] * b[j] + 1);
            }
        }
        return k;
    }

    @Test
    void separableToyIsClassifiedPerfectly() {
        DMatrixRMaj g = kernel(XS, XS);
        DMatrixRMaj cross = kernel(TEST, XS);
        double[] y = KernelTargets.of(LABELS, 1, 2);
        for (KernelSolver.Kind kind : new KernelSolver.Kind[] {KernelSolver.Kind.LOGISTIC, KernelSolver.Kind.SVM,
                KernelSolver.Kind.LSTSQ}) {
            KernelSolver.Fit fit = KernelSolver.of(kind, 0).fit(g, y);
            assertArrayEquals(LABELS, KernelTargets.predict(fit.scores(g), 1), kind + " train");
            assertArrayEquals(TEST_LABELS, KernelTargets.predict(fit.scores(cross), 1), kind + " test");
        }
    }

    @Test
    void svmMatchesTheTwoPointDual() {
        // x1 (class 1), x2 (class 0), K = [[2, 0], [0, 2]]: the dual max 2α − ½α²(K11 − 2K12 + K22) gives α = 2/4 = 0.5
        // (< C = 1), f(x) = α (K(x, x1) − K(x, x2)) + b with f(x1) = 1 → b = 1 − 0.5·2 = 0
        DMatrixRMaj g = new DMatrixRMaj(new double[][] {{2, 0}, {0, 2}});
        SvmSolver.SvmFit fit = (SvmSolver.SvmFit) KernelSolver.of(KernelSolver.Kind.SVM, 0).fit(g, new double[] {1, -1});
        DMatrixRMaj cross = new DMatrixRMaj(new double[][] {{2, 0}, {0, 2}, {1, 3}, {0.5, 0.1}});
        double[] dec = fit.decisionValues(cross);
        double[] want = {1, -1, -1, 0.2};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], dec[i], 1e-9, "decision " + i);
        }
        assertArrayEquals(new double[] {1, -1, -1, 1}, fit.scores(cross), 0, "scores are the ±1 labels");
        assertEquals(2, fit.details().get("support_vectors"));
    }

    @Test
    void logisticFitIsStationary() {
        DMatrixRMaj g = kernel(new double[] {-2, -1, -0.5, 0.3, 1, 2.5, 0.8, -0.2}, new double[] {-2, -1, -0.5, 0.3, 1, 2.5, 0.8, -0.2});
        int[] y = {0, 0, 1, 0, 1, 1, 0, 1};                               // not separable
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7};
        for (double c : new double[] {0.01, 1, 100}) {
            double[] wb = LogisticSolver.train(g, y, all, c);
            double[] grad = gradient(g, y, wb, c);
            double[] grad0 = gradient(g, y, new double[wb.length], c);
            double n = norm(grad);
            assertTrue(n <= 1e-5 * norm(grad0), "C=" + c + ": |grad| " + n + " vs " + norm(grad0) + " at 0");
        }
    }

    /** ∇ of ½‖w‖² + C Σ log(1 + exp(−ỹ_i (w·θ_i + b))) w.r.t. [w, b] (b unpenalized). */
    static double[] gradient(DMatrixRMaj x, int[] y, double[] wb, double c) {
        int r = x.numCols;
        double[] g = new double[r + 1];
        System.arraycopy(wb, 0, g, 0, r);
        for (int i = 0; i < x.numRows; i++) {
            double yt = y[i] == 1 ? 1 : -1;
            double z = LogisticSolver.decision(wb, x, i);
            double s = -c * yt / (1 + Math.exp(yt * z));
            for (int j = 0; j < r; j++) {
                g[j] += s * x.get(i, j);
            }
            g[r] += s;
        }
        return g;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void stratifiedFoldsMatchScikitLearnsExample() {
        // scikit-learn's docs: StratifiedKFold(n_splits=2) on y = [0, 0, 1, 1] tests [0, 2] then [1, 3]
        assertArrayEquals(new int[] {0, 1, 0, 1}, StratifiedFolds.testFolds(new int[] {0, 0, 1, 1}, 2));
        // classes numbered by first appearance: y = [1, 1, 0, 0] gives the same folds
        assertArrayEquals(new int[] {0, 1, 0, 1}, StratifiedFolds.testFolds(new int[] {1, 1, 0, 0}, 2));
    }
}
