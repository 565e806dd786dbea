package io.lorank.probe;

/**
 * The L2-regularised multinomial logistic (softmax cross-entropy) objective on fixed features:
 * <pre>
 *   L(W, b) = (1/N) Σ_i [ logsumexp(z_i) − z_{i, y_i} ] + (λ/2) ‖W‖_F²,   z_i = W x_i + b
 *   ∇_W L  = (1/N) (P − Y)ᵀ X + λ W,      ∇_b L = (1/N) Σ_i (p_i − y_i)
 *   H·(V, c): u_i = V x_i + c,  r_i = p_i ∘ u_i − p_i (p_iᵀ u_i),  (1/N) Σ r_i x_iᵀ + λ V,  (1/N) Σ r_i
 * </pre>
 * X is [N, d] (one row per example), W is [C, d], b is [C] (not penalised); the parameter vector θ is W row-major
 * followed by b, length C·d + C. All arithmetic is fp64.
 */
final class SoftmaxObjective {
    final double[][] x;   // [N, d]
    final int[] y;        // [N], in [0, C)
    final int classes;    // C
    final int dim;        // d
    final double lambda;

    SoftmaxObjective(double[][] x, int[] y, int classes, double lambda) {
        this.x = x;
        this.y = y;
        this.classes = classes;
        this.dim = x[0].length;
        this.lambda = lambda;
    }

    int size() {
        return classes * dim + classes;
    }

    /** Softmax probabilities P [N, C] at θ. */
    double[][] probabilities(double[] theta) {
        double[][] p = new double[x.length][classes];
        for (int i = 0; i < x.length; i++) {
            double[] z = logits(theta, x[i]);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[i][c] = Math.exp(z[c] - max);
                sum += p[i][c];
            }
            for (int c = 0; c < classes; c++) {
                p[i][c] /= sum;
            }
        }
        return p;
    }

    double[] logits(double[] theta, double[] xi) {
        double[] z = new double[classes];
        for (int c = 0; c < classes; c++) {
            double s = theta[classes * dim + c];
            int off = c * dim;
            for (int j = 0; j < dim; j++) {
                s += theta[off + j] * xi[j];
            }
            z[c] = s;
        }
        return z;
    }

    double value(double[] theta) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            double[] z = logits(theta, x[i]);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            loss += max + Math.log(sum) - z[y[i]];
        }
        double reg = 0;
        for (int k = 0; k < classes * dim; k++) {
            reg += theta[k] * theta[k];
        }
        return loss / x.length + 0.5 * lambda * reg;
    }

    double[] gradient(double[] theta, double[][] p) {
        double[] g = new double[size()];
        double invN = 1.0 / x.length;
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < classes; c++) {
                addToClass(g, i, c, (p[i][c] - (y[i] == c ? 1 : 0)) * invN);
            }
        }
        for (int k = 0; k < classes * dim; k++) {
            g[k] += lambda * theta[k];
        }
        return g;
    }

    /** Hessian at the point with probabilities {@code p}, times direction {@code v}. */
    double[] hessianTimes(double[][] p, double[] v) {
        double[] out = new double[size()];
        double invN = 1.0 / x.length;
        double[] u = new double[classes];
        for (int i = 0; i < x.length; i++) {
            double pu = 0;
            for (int c = 0; c < classes; c++) {
                double s = v[classes * dim + c];
                int off = c * dim;
                for (int j = 0; j < dim; j++) {
                    s += v[off + j] * x[i][j];
                }
                u[c] = s;
                pu += p[i][c] * s;
            }
            for (int c = 0; c < classes; c++) {
                addToClass(out, i, c, p[i][c] * (u[c] - pu) * invN);
            }
        }
        for (int k = 0; k < classes * dim; k++) {
            out[k] += lambda * v[k];
        }
        return out;
    }

    /** out += r · ∂z_ic/∂θ: r·x_i into class c's weight block and r into its bias. */
    private void addToClass(double[] out, int i, int c, double r) {
        int off = c * dim;
        for (int j = 0; j < dim; j++) {
            out[off + j] += r * x[i][j];
        }
        out[classes * dim + c] += r;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
