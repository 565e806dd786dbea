package io.lorank.probe;

/**
 * A fitted linear probe: logits z = W x + b.
 *
 * @param weights      W [C, d]
 * @param bias         b [C], centred (sums to zero; the softmax is invariant to a common shift)
 * @param objective    final objective value
 * @param gradientNorm ‖∇L‖₂ at the returned parameters
 * @param iterations   Newton iterations used
 * @param status       CONVERGED when gradientNorm ≤ the configured tolerance
 */
public record ProbeFit(double[][] weights, double[] bias, double objective, double gradientNorm, int iterations,
                       LinearProbe.Status status) {

    static ProbeFit of(double[] theta, int c, int d, double f, double gn, int it, LinearProbe.Status status) {
        double[][] w = new double[c][d];
        double[] b = new double[c];
        double mean = 0;
        for (int k = 0; k < c; k++) {
            System.arraycopy(theta, k * d, w[k], 0, d);
            b[k] = theta[c * d + k];
            mean += b[k] / c;
        }
        for (int k = 0; k < c; k++) {
            b[k] -= mean;
        }
        return new ProbeFit(w, b, f, gn, it, status);
    }

    public int numClasses() {
        return bias.length;
    }

    /** Logits [N, C] of {@code features} [N, d]. */
    public double[][] logits(double[][] features) {
        double[][] z = new double[features.length][];
        for (int i = 0; i < features.length; i++) {
            z[i] = logits(features[i]);
        }
        return z;
    }

    public double[] logits(double[] x) {
        double[] z = new double[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double s = bias[c];
            for (int j = 0; j < x.length; j++) {
                s += weights[c][j] * x[j];
            }
            z[c] = s;
        }
        return z;
    }

    /** Arg-max class per row (ties: the lower index). */
    public int[] predict(double[][] features) {
        int[] out = new int[features.length];
        for (int i = 0; i < features.length; i++) {
            double[] z = logits(features[i]);
            int best = 0;
            for (int c = 1; c < z.length; c++) {
                if (z[c] > z[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The parameters as one vector: W row-major, then b. */
    public double[] flat() {
        int c = bias.length;
        int d = weights[0].length;
        double[] t = new double[c * d + c];
        for (int k = 0; k < c; k++) {
            System.arraycopy(weights[k], 0, t, k * d, d);
            t[c * d + k] = bias[k];
        }
        return t;
    }

    /**
     * The binary single-logit form of a 2-class probe: f(x) = z₁ − z₀ = w·x + b with w = W₁ − W₀, b = b₁ − b₀,
     * labels ±1, loss log(1 + exp(−y f)). At the optimum W₀ = −W₁, so the penalty (λ/2)‖W‖² equals (λ/4)‖w‖².
     */
    public BinaryView binary() {
        if (bias.length != 2) {
            throw new IllegalStateException("binary view needs a 2-class probe, this one has " + bias.length);
        }
        double[] w = new double[weights[0].length];
        for (int j = 0; j < w.length; j++) {
            w[j] = weights[1][j] - weights[0][j];
        }
        return new BinaryView(w, bias[1] - bias[0]);
    }

    /** f(x) = w·x + b; predicts class 1 (label +1) when f &gt; 0. w is [d]. */
    public record BinaryView(double[] w, double b) {
        public double f(double[] x) {
            double s = b;
            for (int j = 0; j < x.length; j++) {
                s += w[j] * x[j];
            }
            return s;
        }
    }
}
