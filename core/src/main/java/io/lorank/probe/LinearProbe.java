package io.lorank.probe;

import io.lorank.LorankException;

/**
 * A linear probe on frozen pooled features: multinomial logistic regression, L2 on the weights (not the bias),
 * minimised to a stationary point by Newton-CG (truncated Newton with Hessian-vector products, Armijo
 * backtracking). The objective is strictly convex in W, so the stationary point is the global minimum; the result
 * records the final gradient norm, which the tests hold to ≤ 1e-8.
 *
 * <pre>
 *   min_{W, b}  (1/N) Σ_i CE(softmax(W x_i + b), y_i) + (λ/2) ‖W‖_F²       W [C, d], b [C], x_i [d]
 * </pre>
 * Newton-CG needs only products with the Hessian, O(N·d·C) each, so a 768-dim, 6-class probe never forms the
 * (C·(d+1))² Hessian. The unpenalised bias has one flat direction (adding a constant to every bias); the gradient
 * is orthogonal to it, CG never moves along it, and the returned bias is centred (sums to zero).
 */
public final class LinearProbe {
    /**
     * @param lambda        L2 strength λ ≥ 0 on W (λ = 0 is allowed but separable data then has no minimiser)
     * @param gradTolerance stop when ‖∇L‖₂ ≤ this
     * @param maxIterations Newton iterations
     */
    public record Config(double lambda, double gradTolerance, int maxIterations) {
        public Config {
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new LorankException("probe lambda: " + lambda + " is not allowed; expected a finite value >= 0");
            }
            if (!(gradTolerance > 0)) {
                throw new LorankException("probe gradient tolerance: " + gradTolerance + "; expected > 0");
            }
            if (maxIterations < 1) {
                throw new LorankException("probe max iterations: " + maxIterations + "; expected >= 1");
            }
        }

        public static Config defaults() {
            return new Config(1e-2, 1e-10, 100);
        }
    }

    public enum Status { CONVERGED, MAX_ITERATIONS, STALLED }

    private LinearProbe() {
    }

    /** Fits on {@code features} [N, d] with labels in [0, numClasses). */
    public static ProbeFit fit(double[][] features, int[] labels, int numClasses, Config cfg) {
        check(features, labels, numClasses);
        SoftmaxObjective obj = new SoftmaxObjective(features, labels, numClasses, cfg.lambda());
        double[] theta = new double[obj.size()];
        double[][] p = obj.probabilities(theta);
        double f = obj.value(theta);
        double[] g = obj.gradient(theta, p);
        double gn = SoftmaxObjective.norm(g);
        int it = 0;
        Status status = Status.MAX_ITERATIONS;
        while (true) {
            if (gn <= cfg.gradTolerance()) {
                status = Status.CONVERGED;
                break;
            }
            if (it >= cfg.maxIterations()) {
                break;
            }
            it++;
            double[] step = conjugateGradient(obj, p, g, Math.min(0.5, Math.sqrt(gn)) * gn);
            double slope = SoftmaxObjective.dot(step, g);
            if (!(slope < 0)) {
                step = negate(g);
                slope = -gn * gn;
            }
            double t = 1;
            double[] next = new double[theta.length];
            double fNext = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 60; ls++) {
                for (int k = 0; k < theta.length; k++) {
                    next[k] = theta[k] + t * step[k];
                }
                fNext = obj.value(next);
                // Near the optimum f changes below rounding; accept steps that do not increase f when ‖∇‖ is tiny.
                if (fNext <= f + 1e-4 * t * slope || (gn < 1e-6 && fNext <= f + 1e-15 * Math.abs(f))) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                status = Status.STALLED;
                break;
            }
            theta = next.clone();
            f = fNext;
            p = obj.probabilities(theta);
            g = obj.gradient(theta, p);
            gn = SoftmaxObjective.norm(g);
        }
        return ProbeFit.of(theta, numClasses, features[0].length, f, gn, it, status);
    }

    /** Approximately solves H s = −g by conjugate gradients, stopping at residual ≤ {@code tol}. */
    private static double[] conjugateGradient(SoftmaxObjective obj, double[][] p, double[] g, double tol) {
        int n = g.length;
        double[] s = new double[n];
        double[] r = negate(g);
        double[] d = r.clone();
        double rr = SoftmaxObjective.dot(r, r);
        for (int it = 0; it < 2 * n + 10 && Math.sqrt(rr) > tol; it++) {
            double[] hd = obj.hessianTimes(p, d);
            double dhd = SoftmaxObjective.dot(d, hd);
            if (dhd <= 1e-300) {
                break; // flat direction (the bias shift) or numerical zero curvature
            }
            double a = rr / dhd;
            for (int k = 0; k < n; k++) {
                s[k] += a * d[k];
                r[k] -= a * hd[k];
            }
            double rrNew = SoftmaxObjective.dot(r, r);
            double beta = rrNew / rr;
            for (int k = 0; k < n; k++) {
                d[k] = r[k] + beta * d[k];
            }
            rr = rrNew;
        }
        return s;
    }

    private static double[] negate(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = -v[i];
        }
        return o;
    }

    private static void check(double[][] x, int[] y, int c) {
        if (x.length == 0 || x.length != y.length) {
            throw new LorankException("probe: " + x.length + " feature rows and " + y.length + " labels; expected the same, > 0");
        }
        if (c < 2) {
            throw new LorankException("probe: " + c + " classes; expected at least 2");
        }
        int d = x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new LorankException("probe: feature row " + i + " has " + x[i].length + " values, expected " + d);
            }
            if (y[i] < 0 || y[i] >= c) {
                throw new LorankException("probe: label " + y[i] + " of row " + i + " is outside [0, " + c + ")");
            }
        }
    }

    /** The objective's value and gradient at given parameters (for tests and diagnostics). */
    static double[] gradientAt(double[][] x, int[] y, int c, double lambda, double[] theta) {
        SoftmaxObjective obj = new SoftmaxObjective(x, y, c, lambda);
        return obj.gradient(theta, obj.probabilities(theta));
    }

    static double valueAt(double[][] x, int[] y, int c, double lambda, double[] theta) {
        return new SoftmaxObjective(x, y, c, lambda).value(theta);
    }
}
