package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;

import java.util.Random;

/** Small seeded problems shared by the tests. */
public final class TestProblems {
    private TestProblems() {
    }

    static final int[] ROWS = {5, 4};
    static final int[] COLS = {3, 6};

    /** Factored operator over two targets, N = 4, K = outputs, T_i in [2, 5]. */
    static FactoredOperator factored(int outputs, long seed) {
        return Synthetic.randomFactors(4, outputs, ROWS, COLS, 2, 5, seed);
    }

    public static DMatrixRMaj[] randomUpdate(MeasurementOperator op, Random rnd) {
        DMatrixRMaj[] w = new DMatrixRMaj[op.targets()];
        for (int l = 0; l < w.length; l++) {
            w[l] = new DMatrixRMaj(op.rows(l), op.cols(l));
            for (int j = 0; j < w[l].data.length; j++) {
                w[l].data[j] = rnd.nextGaussian();
            }
        }
        return w;
    }

    public static double[] randomVector(int n, Random rnd) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = rnd.nextGaussian();
        }
        return v;
    }

    /**
     * ⟨𝒜(ΔW), c⟩ = Σ_l ⟨ΔW_l, 𝒜*(c)_l⟩ for a random ΔW and c drawn from {@code seed}, to {@code relTol} times
     * Σ|terms| (the scale of the sums, so cancellation does not make the check vacuous).
     */
    public static void assertAdjointIdentity(MeasurementOperator op, long seed, double relTol) {
        Random rnd = new Random(seed);
        DMatrixRMaj[] w = randomUpdate(op, rnd);
        double[] c = randomVector(op.examples() * op.outputs(), rnd);
        double[] aw = op.apply(w);
        double lhs = 0;
        for (int j = 0; j < c.length; j++) {
            lhs += aw[j] * c[j];
        }
        double rhs = 0;
        double scale = 0;
        for (int l = 0; l < op.targets(); l++) {
            DMatrixRMaj g = op.adjoint(l, c);
            for (int j = 0; j < g.data.length; j++) {
                rhs += g.data[j] * w[l].data[j];
                scale += Math.abs(g.data[j] * w[l].data[j]);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(lhs, rhs, relTol * scale,
                "<apply(dW), c> vs <dW, adjoint(c)>, relative to the sum of |terms|");
    }

    /** A problem with the given loss on op, random f0 and labels, weight decay lambda. */
    static LinearizedProblem problem(MeasurementOperator op, Synthetic.LossKind kind, double lambda, long seed) {
        Random rnd = new Random(seed);
        int n = op.examples();
        int k = op.outputs();
        double[] f0 = randomVector(n * k, rnd);
        Loss loss = switch (kind) {
            case SQUARED -> new Loss.Squared(randomVector(n * k, rnd), n, k);
            case CE -> {
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    y[i] = rnd.nextInt(k);
                }
                yield new Loss.SoftmaxCrossEntropy(y, k);
            }
            case LOGISTIC -> {
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = rnd.nextBoolean() ? 1 : -1;
                }
                yield new Loss.Logistic(y);
            }
        };
        return new LinearizedProblem(op, f0, loss, lambda);
    }

    static double relErr(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int j = 0; j < a.length; j++) {
            num += (a[j] - b[j]) * (a[j] - b[j]);
            den += b[j] * b[j];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
    }
}
