package io.lorank.linearized;

import io.lorank.LorankException;

/**
 * A per-example loss ℓ(u, y_i) over K outputs and its data term F(f) = (1/N) Σ_i ℓ(f_i, y_i), f N×K row-major
 * (index i·K + k). The 1/N normalisation is used everywhere (objective, gradients, certificate, duality gap).
 *
 * <p>Convex conjugates used by the duality gap (ℓ*(v) = sup_u ⟨v,u⟩ − ℓ(u)):
 * squared ℓ = ½‖u − y‖², ℓ*(v) = ½‖v‖² + ⟨v, y⟩; softmax cross-entropy ℓ = logsumexp(u) − u_y, ℓ*(v) = Σ_j p_j log p_j
 * with p = v + e_y in the simplex (+∞ outside); logistic ℓ = log(1 + e^{−y u}), ℓ*(v) = a log a + (1−a) log(1−a)
 * with a = −y v ∈ [0, 1] (+∞ outside).
 */
public sealed interface Loss permits Loss.SoftmaxCrossEntropy, Loss.Squared, Loss.Logistic {
    /** Tolerance for the conjugates' domains (the scaled dual point sits on their boundary up to rounding). */
    double DOMAIN_TOL = 1e-9;

    int examples();

    int outputs();

    /** ℓ(u, y_i) for one example, u of length K. */
    double value(int i, double[] f, int offset);

    /** ∇_u ℓ(u, y_i) written into g at offset. */
    void gradient(int i, double[] f, int offset, double[] g);

    /** ∇²_u ℓ(u, y_i)·du written into out at offset. */
    void hessianTimes(int i, double[] f, int offset, double[] du, double[] out);

    /** ℓ*(v) for example i, v given at offset; +∞ outside the domain. */
    double conjugate(int i, double[] v, int offset);

    /** F(f) = (1/N) Σ_i ℓ(f_i, y_i). */
    default double value(double[] f) {
        double s = 0;
        for (int i = 0; i < examples(); i++) {
            s += value(i, f, i * outputs());
        }
        return s / examples();
    }

    /** ∇F(f) = (1/N) ∇ℓ, N×K. */
    default double[] gradient(double[] f) {
        double[] g = new double[f.length];
        for (int i = 0; i < examples(); i++) {
            gradient(i, f, i * outputs(), g);
        }
        for (int j = 0; j < g.length; j++) {
            g[j] /= examples();
        }
        return g;
    }

    /** ∇²F(f)·df. */
    default double[] hessianTimes(double[] f, double[] df) {
        double[] out = new double[f.length];
        for (int i = 0; i < examples(); i++) {
            hessianTimes(i, f, i * outputs(), df, out);
        }
        for (int j = 0; j < out.length; j++) {
            out[j] /= examples();
        }
        return out;
    }

    /** Conjugate of z ↦ F(f0 + z) at c: Σ_i [−⟨c_i, f0_i⟩ + (1/N) ℓ*(N c_i)]. */
    default double conjugateAt(double[] f0, double[] c) {
        int n = examples();
        double[] v = new double[c.length];
        double s = 0;
        for (int j = 0; j < c.length; j++) {
            v[j] = n * c[j];
            s -= c[j] * f0[j];
        }
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += conjugate(i, v, i * outputs());
        }
        return s + t / n;
    }

    private static double xlogx(double x) {
        return x <= 0 ? 0 : x * Math.log(x);
    }

    /** Softmax cross-entropy with integer labels in [0, K). */
    record SoftmaxCrossEntropy(int[] labels, int outputs) implements Loss {
        public SoftmaxCrossEntropy {
            if (outputs < 2) {
                throw new LorankException("cross-entropy: K = " + outputs + " outputs, expected >= 2; use logistic for one logit");
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= outputs) {
                    throw new LorankException("cross-entropy: label[" + i + "] = " + labels[i] + ", expected 0.." + (outputs - 1));
                }
            }
        }

        @Override
        public int examples() {
            return labels.length;
        }

        private void softmax(double[] f, int off, double[] p) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < outputs; k++) {
                mx = Math.max(mx, f[off + k]);
            }
            double z = 0;
            for (int k = 0; k < outputs; k++) {
                p[k] = Math.exp(f[off + k] - mx);
                z += p[k];
            }
            for (int k = 0; k < outputs; k++) {
                p[k] /= z;
            }
        }

        @Override
        public double value(int i, double[] f, int off) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < outputs; k++) {
                mx = Math.max(mx, f[off + k]);
            }
            double z = 0;
            for (int k = 0; k < outputs; k++) {
                z += Math.exp(f[off + k] - mx);
            }
            return mx + Math.log(z) - f[off + labels[i]];
        }

        @Override
        public void gradient(int i, double[] f, int off, double[] g) {
            double[] p = new double[outputs];
            softmax(f, off, p);
            for (int k = 0; k < outputs; k++) {
                g[off + k] = p[k] - (k == labels[i] ? 1 : 0);
            }
        }

        @Override
        public void hessianTimes(int i, double[] f, int off, double[] du, double[] out) {
            double[] p = new double[outputs];
            softmax(f, off, p);
            double pd = 0;
            for (int k = 0; k < outputs; k++) {
                pd += p[k] * du[off + k];
            }
            for (int k = 0; k < outputs; k++) {
                out[off + k] = p[k] * (du[off + k] - pd);
            }
        }

        @Override
        public double conjugate(int i, double[] v, int off) {
            double sum = 0;
            double s = 0;
            for (int k = 0; k < outputs; k++) {
                double p = v[off + k] + (k == labels[i] ? 1 : 0);
                if (p < -DOMAIN_TOL) {
                    return Double.POSITIVE_INFINITY;
                }
                sum += p;
                s += xlogx(p);
            }
            return Math.abs(sum - 1) > DOMAIN_TOL * outputs ? Double.POSITIVE_INFINITY : s;
        }
    }

    /** ½‖u − y_i‖² with real targets y (N×K row-major). */
    record Squared(double[] targets, int examples, int outputs) implements Loss {
        public Squared {
            if (targets.length != examples * outputs) {
                throw new LorankException("squared loss: targets have " + targets.length + " values, expected N*K = " + examples * outputs);
            }
        }

        @Override
        public double value(int i, double[] f, int off) {
            double s = 0;
            for (int k = 0; k < outputs; k++) {
                double d = f[off + k] - targets[off + k];
                s += d * d;
            }
            return 0.5 * s;
        }

        @Override
        public void gradient(int i, double[] f, int off, double[] g) {
            for (int k = 0; k < outputs; k++) {
                g[off + k] = f[off + k] - targets[off + k];
            }
        }

        @Override
        public void hessianTimes(int i, double[] f, int off, double[] du, double[] out) {
            System.arraycopy(du, off, out, off, outputs);
        }

        @Override
        public double conjugate(int i, double[] v, int off) {
            double s = 0;
            for (int k = 0; k < outputs; k++) {
                s += 0.5 * v[off + k] * v[off + k] + v[off + k] * targets[off + k];
            }
            return s;
        }
    }

    /** Binary logistic on a single logit (K = 1), labels ±1: log(1 + exp(−y u)). */
    record Logistic(double[] labels) implements Loss {
        public Logistic {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] != 1 && labels[i] != -1) {
                    throw new LorankException("logistic loss: label[" + i + "] = " + labels[i] + ", expected +1 or -1");
                }
            }
        }

        @Override
        public int examples() {
            return labels.length;
        }

        @Override
        public int outputs() {
            return 1;
        }

        @Override
        public double value(int i, double[] f, int off) {
            double m = -labels[i] * f[off];
            return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
        }

        private static double sigmoid(double x) {
            return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
        }

        @Override
        public void gradient(int i, double[] f, int off, double[] g) {
            g[off] = -labels[i] * sigmoid(-labels[i] * f[off]);
        }

        @Override
        public void hessianTimes(int i, double[] f, int off, double[] du, double[] out) {
            double s = sigmoid(f[off]);
            out[off] = s * (1 - s) * du[off];
        }

        @Override
        public double conjugate(int i, double[] v, int off) {
            double a = -labels[i] * v[off];
            if (a < -DOMAIN_TOL || a > 1 + DOMAIN_TOL) {
                return Double.POSITIVE_INFINITY;
            }
            a = Math.min(1, Math.max(0, a));
            return xlogx(a) + xlogx(1 - a);
        }
    }
}
