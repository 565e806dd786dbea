package io.lorank.probe;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearProbeTest {
    private static double[][] gaussian(SplittableRandom r, int n, int d, double scale) {
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = scale * gauss(r);
            }
        }
        return x;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void gradientMatchesCentralDifferences() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 7, d = 4, c = 3;
        double[][] x = gaussian(r, n, d, 1.5);
        int[] y = {0, 1, 2, 2, 1, 0, 1};
        double lambda = 0.3;
        double[] theta = new double[c * d + c];
        for (int k = 0; k < theta.length; k++) {
            theta[k] = gauss(r);
        }
        double[] g = LinearProbe.gradientAt(x, y, c, lambda, theta);
        double h = 1e-6;
        for (int k = 0; k < theta.length; k++) {
            double[] tp = theta.clone();
            double[] tm = theta.clone();
            tp[k] += h;
            tm[k] -= h;
            double fd = (LinearProbe.valueAt(x, y, c, lambda, tp) - LinearProbe.valueAt(x, y, c, lambda, tm)) / (2 * h);
            double rel = Math.abs(fd - g[k]) / Math.max(1e-8, Math.abs(fd) + Math.abs(g[k]));
            // central differences in fp64 with h = 1e-6: truncation ~h², rounding ~1e-16/h → relative ≤ 1e-6
            assertTrue(rel <= 1e-6, "theta[" + k + "]: analytic " + g[k] + " vs finite difference " + fd);
        }
    }

    @Test
    void separableDataIsFitPerfectlyAndGeneralises() {
        SplittableRandom r = new SplittableRandom(11);
        int c = 3, d = 5, per = 20;
        double[][] centers = gaussian(r, c, d, 6.0);
        double[][] x = new double[c * per][];
        int[] y = new int[c * per];
        double[][] xt = new double[c * per][];
        int[] yt = new int[c * per];
        for (int i = 0; i < c * per; i++) {
            y[i] = yt[i] = i % c;
            x[i] = gaussian(r, 1, d, 0.5)[0];
            xt[i] = gaussian(r, 1, d, 0.5)[0];
            for (int j = 0; j < d; j++) {
                x[i][j] += centers[y[i]][j];
                xt[i][j] += centers[yt[i]][j];
            }
        }
        ProbeFit fit = LinearProbe.fit(x, y, c, new LinearProbe.Config(1e-4, 1e-10, 100));
        assertEquals(LinearProbe.Status.CONVERGED, fit.status());
        assertEquals(1.0, Metrics.accuracy(fit.predict(x), y), 0.0);
        assertEquals(1.0, Metrics.accuracy(fit.predict(xt), yt), 0.0);
    }

    @Test
    void optimumSatisfiesFirstOrderCondition() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] shape : new int[][]{{40, 6, 4}, {12, 50, 3}}) { // N > d and N < d (over-parameterised)
            int n = shape[0], d = shape[1], c = shape[2];
            double[][] x = gaussian(r, n, d, 1.0);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(c);
            }
            y[0] = 0;
            y[1] = 1;
            ProbeFit fit = LinearProbe.fit(x, y, c, new LinearProbe.Config(0.05, 1e-10, 100));
            double[] g = LinearProbe.gradientAt(x, y, c, 0.05, fit.flat());
            double gn = 0;
            for (double v : g) {
                gn += v * v;
            }
            gn = Math.sqrt(gn);
            assertEquals(LinearProbe.Status.CONVERGED, fit.status(), "N=" + n + " d=" + d);
            assertTrue(gn <= 1e-8, "‖∇L‖ = " + gn + " at the returned optimum (N=" + n + ", d=" + d + ")");
            double bsum = 0;
            for (double b : fit.bias()) {
                bsum += b;
            }
            assertEquals(0.0, bsum, 1e-12, "bias is centred");
            assertTrue(fit.iterations() < 30, "Newton iterations " + fit.iterations());
        }
    }

    /**
     * x = +1 (class 1), x = −1 (class 0): by symmetry b = 0 and, with w = W₁ − W₀ (W₀ = −W₁ at the optimum), the
     * objective is log(1 + e^{−w}) + λw²/4, whose stationarity condition −1/(1 + e^{w}) + λw/2 = 0 we solve by
     * bisection, independently of the probe's Newton-CG.
     */
    @Test
    void agreesWithIndependentScalarSolve() {
        double lambda = 0.2;
        double lo = 0, hi = 100;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            double g = -1 / (1 + Math.exp(mid)) + lambda * mid / 2;
            if (g > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double wStar = 0.5 * (lo + hi);
        ProbeFit fit = LinearProbe.fit(new double[][]{{1}, {-1}}, new int[]{1, 0}, 2,
                new LinearProbe.Config(lambda, 1e-12, 100));
        ProbeFit.BinaryView v = fit.binary();
        assertEquals(wStar, v.w()[0], 1e-9, "w = W1 - W0");
        assertEquals(0.0, v.b(), 1e-9, "b");
        assertEquals(-fit.weights()[0][0], fit.weights()[1][0], 1e-9, "W0 = -W1");
        assertEquals(Math.log1p(Math.exp(-wStar)) + lambda * wStar * wStar / 4, fit.objective(), 1e-12);
        double[] z = fit.logits(new double[]{0.7});
        assertEquals(z[1] - z[0], v.f(new double[]{0.7}), 1e-12, "binary view f = z1 - z0");
    }

    @Test
    void rejectsBadInput() {
        assertThrows(LorankException.class, () -> LinearProbe.fit(new double[][]{{1}}, new int[]{2}, 2,
                LinearProbe.Config.defaults()));
        assertThrows(LorankException.class, () -> new LinearProbe.Config(-1, 1e-10, 10));
    }
}
