package io.lorank.linearized.phase;

import java.util.random.RandomGenerator;

/**
 * Interpolation with a low-rank update: find ΔW = B A (B [m, r], A [r, n]) with ⟨G_j, B A⟩ = y_j for j = 1..P,
 * where P = K·N and each G_j is an m×n measurement matrix (G = Dᵀ X in the NTK picture). Squared loss with λ = 0:
 * L(B, A) = ½ Σ_j (⟨G_j, B A⟩ − y_j)².
 *
 * <p>Parameters are packed as x = [vec(B) (m·r, row-major), vec(A) (r·n, row-major)]. All fp64.
 */
public final class MeasurementProblem {
    final int m;
    final int n;
    final int r;
    /** P measurement matrices, each m×n row-major: g[j][a·n + b] = G_j[a, b]. */
    final double[][] g;
    /** Targets y [P]. */
    final double[] y;

    public MeasurementProblem(int m, int n, int r, double[][] g, double[] y) {
        if (g.length != y.length) {
            throw new IllegalArgumentException("g has " + g.length + " matrices, y has " + y.length + " targets");
        }
        for (double[] gj : g) {
            if (gj.length != m * n) {
                throw new IllegalArgumentException("measurement of length " + gj.length + ", expected m*n = " + m * n);
            }
        }
        this.m = m;
        this.n = n;
        this.r = r;
        this.g = g;
        this.y = y;
    }

    /** G_j with iid N(0,1) entries and y_j ~ N(0,1) (generic targets), P = kn measurements. */
    public static MeasurementProblem gaussian(int m, int n, int r, int kn, RandomGenerator rng) {
        double[][] g = new double[kn][m * n];
        double[] y = new double[kn];
        for (int j = 0; j < kn; j++) {
            for (int i = 0; i < m * n; i++) {
                g[j][i] = rng.nextGaussian();
            }
        }
        for (int j = 0; j < kn; j++) {
            y[j] = rng.nextGaussian();
        }
        return new MeasurementProblem(m, n, r, g, y);
    }

    public int measurements() {
        return y.length;
    }

    public int parameters() {
        return r * (m + n);
    }

    /** Random initial factors, entries N(0, σ²) with σ = (m·n·r)^(-1/4), so E‖B A‖²_F = 1 ≈ scale of y. */
    public double[] randomInit(RandomGenerator rng) {
        double sigma = Math.pow((double) m * n * r, -0.25);
        double[] x = new double[parameters()];
        for (int i = 0; i < x.length; i++) {
            x[i] = sigma * rng.nextGaussian();
        }
        return x;
    }

    /** Residuals res_j = ⟨G_j, B A⟩ − y_j; fills jac [P][m·r + r·n] (∂res_j/∂x) when non-null. Returns L(x). */
    public double evaluate(double[] x, double[] res, double[][] jac) {
        int offA = m * r;
        double[] ga = new double[m * r]; // G_j Aᵀ [m, r]
        double loss = 0;
        for (int j = 0; j < y.length; j++) {
            double[] gj = g[j];
            double s = 0;
            for (int a = 0; a < m; a++) {
                for (int k = 0; k < r; k++) {
                    double acc = 0;
                    int rowG = a * n;
                    int rowA = offA + k * n;
                    for (int b = 0; b < n; b++) {
                        acc += gj[rowG + b] * x[rowA + b];
                    }
                    ga[a * r + k] = acc;
                    s += x[a * r + k] * acc; // ⟨G, B A⟩ = Σ B ∘ (G Aᵀ)
                }
            }
            res[j] = s - y[j];
            loss += 0.5 * res[j] * res[j];
            if (jac != null) {
                double[] row = jac[j];
                System.arraycopy(ga, 0, row, 0, m * r); // ∂/∂B = G Aᵀ
                java.util.Arrays.fill(row, offA, offA + r * n, 0.0);
                for (int a = 0; a < m; a++) { // ∂/∂A = Bᵀ G
                    int rowG = a * n;
                    for (int k = 0; k < r; k++) {
                        double bak = x[a * r + k];
                        int rowA = offA + k * n;
                        for (int b = 0; b < n; b++) {
                            row[rowA + b] += bak * gj[rowG + b];
                        }
                    }
                }
            }
        }
        return loss;
    }

    /** Loss only. */
    public double loss(double[] x) {
        return evaluate(x, new double[y.length], null);
    }

    /**
     * L(x) and ∇L into grad without forming J: with S = Σ_j res_j G_j [m, n], ∂L/∂B = S Aᵀ and ∂L/∂A = Bᵀ S.
     * Costs P·m·n·(r+1) instead of the Jacobian's 2·P·m·n·r plus Jᵀres.
     */
    public double lossAndGradient(double[] x, double[] grad) {
        double[] res = new double[y.length];
        double loss = evaluate(x, res, null);
        double[] sMat = new double[m * n];
        for (int j = 0; j < y.length; j++) {
            double rj = res[j];
            double[] gj = g[j];
            for (int i = 0; i < sMat.length; i++) {
                sMat[i] += rj * gj[i];
            }
        }
        int offA = m * r;
        java.util.Arrays.fill(grad, 0);
        for (int a = 0; a < m; a++) {
            for (int k = 0; k < r; k++) {
                double acc = 0;
                double bak = x[a * r + k];
                for (int b = 0; b < n; b++) {
                    acc += sMat[a * n + b] * x[offA + k * n + b];
                    grad[offA + k * n + b] += bak * sMat[a * n + b];
                }
                grad[a * r + k] = acc;
            }
        }
        return loss;
    }

    /** ∇L = Jᵀ res [m·r + r·n]. */
    public double[] gradient(double[] x) {
        double[] res = new double[y.length];
        double[][] jac = new double[y.length][parameters()];
        evaluate(x, res, jac);
        double[] grad = new double[parameters()];
        for (int j = 0; j < y.length; j++) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] += jac[j][i] * res[j];
            }
        }
        return grad;
    }
}
