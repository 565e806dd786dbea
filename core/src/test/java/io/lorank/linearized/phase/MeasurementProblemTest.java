package io.lorank.linearized.phase;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeasurementProblemTest {
    private static final int M = 5, N = 4, R = 2, P = 7;

    private static MeasurementProblem problem(long seed) {
        return MeasurementProblem.gaussian(M, N, R, P, new SplittableRandom(seed));
    }

    @Test
    void residualIsInnerProductWithDenseProduct() {
        MeasurementProblem p = problem(1);
        double[] x = p.randomInit(new SplittableRandom(2));
        double[] res = new double[P];
        double loss = p.evaluate(x, res, null);
        double expectLoss = 0;
        for (int j = 0; j < P; j++) {
            double s = 0;
            for (int a = 0; a < M; a++) {
                for (int b = 0; b < N; b++) {
                    double w = 0; // (B A)[a, b]
                    for (int k = 0; k < R; k++) {
                        w += x[a * R + k] * x[M * R + k * N + b];
                    }
                    s += p.g[j][a * N + b] * w;
                }
            }
            assertEquals(s - p.y[j], res[j], 1e-12, "residual " + j);
            expectLoss += 0.5 * (s - p.y[j]) * (s - p.y[j]);
        }
        assertEquals(expectLoss, loss, 1e-12);
    }

    /** Central differences in fp64, relative error over an absolute floor of 1e-8, every coordinate. */
    @Test
    void gradientMatchesFiniteDifferences() {
        MeasurementProblem p = problem(3);
        double[] x = p.randomInit(new SplittableRandom(4));
        double[] grad = p.gradient(x);
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[i] += h;
            xm[i] -= h;
            double fd = (p.loss(xp) - p.loss(xm)) / (2 * h);
            double rel = Math.abs(fd - grad[i]) / Math.max(1e-8, Math.abs(fd) + Math.abs(grad[i]));
            assertTrue(rel < 1e-6, "param " + i + (i < M * R ? " (B)" : " (A)") + ": analytic " + grad[i] + " fd " + fd);
        }
    }

    @Test
    void factoredGradientEqualsJacobianTransposeResidual() {
        MeasurementProblem p = problem(8);
        double[] x = p.randomInit(new SplittableRandom(9));
        double[] viaJ = p.gradient(x);
        double[] direct = new double[x.length];
        assertEquals(p.loss(x), p.lossAndGradient(x, direct), 1e-12);
        for (int i = 0; i < x.length; i++) {
            assertEquals(viaJ[i], direct[i], 1e-10 * (1 + Math.abs(viaJ[i])), "grad " + i);
        }
    }

    @Test
    void jacobianMatchesFiniteDifferencesOfResiduals() {
        MeasurementProblem p = problem(5);
        double[] x = p.randomInit(new SplittableRandom(6));
        double[][] jac = new double[P][p.parameters()];
        p.evaluate(x, new double[P], jac);
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[i] += h;
            xm[i] -= h;
            double[] rp = new double[P];
            double[] rm = new double[P];
            p.evaluate(xp, rp, null);
            p.evaluate(xm, rm, null);
            for (int j = 0; j < P; j++) {
                double fd = (rp[j] - rm[j]) / (2 * h);
                assertEquals(fd, jac[j][i], 1e-7 * (1 + Math.abs(fd)), "d res_" + j + " / d x_" + i);
            }
        }
    }
}
