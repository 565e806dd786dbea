package io.lorank.kernel;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import io.lorank.LorankException;
import org.ejml.data.DMatrixRMaj;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LM-Kernel-FT's kernel logistic regression ({@code LogisticKernelSolver}): scikit-learn's
 * {@code LogisticRegressionCV(max_iter=10000, random_state=0)} fitted with the rows of the train Gram as feature
 * vectors (sample (i,k) has features Θ[(i,k), ·] and class 1 iff its target is 1), i.e. an L2-regularized linear
 * logistic regression on the kernel features, min_w,b ½‖w‖² + C Σ log(1 + exp(−ỹ (w·θ + b))) with an unpenalized
 * intercept; the score of a new row is its decision value w·θ(x) + b = log p₁ − log p₀. C is chosen as there: the
 * grid logspace(−4, 4, 10), 5 stratified folds ({@link StratifiedFolds}), the C with the highest summed fold accuracy
 * (the first on ties), then a refit on all rows.
 *
 * <p>Each fit is LIBLINEAR's primal trust-region Newton solver ({@code L2R_LR}, bias feature 1 not regularized), the
 * same strictly convex objective as scikit-learn's lbfgs, so the optimum agrees up to the solvers' tolerances.
 */
public final class LogisticSolver implements KernelSolver {
    /** scikit-learn's default Cs = 10: logspace(−4, 4, 10). */
    static final double[] CS = logspace(-4, 4, 10);
    static final int FOLDS = 5;
    /** LIBLINEAR stopping tolerance (relative gradient norm); tighter than its 0.01 default to reach the optimum. */
    static final double EPS = 1e-6;

    private final double reg;

    LogisticSolver(double reg) {
        this.reg = reg;
    }

    @Override
    public Kind kind() {
        return Kind.LOGISTIC;
    }

    @Override
    public boolean fitsResiduals() {
        return false;
    }

    @Override
    public Fit fit(DMatrixRMaj gram, double[] targets) {
        DMatrixRMaj k = KernelSolver.regularized(gram, reg);
        int r = k.numRows;
        int[] y = new int[r];
        int ones = 0;
        for (int i = 0; i < r; i++) {
            y[i] = KernelSolver.binaryLabel(targets[i]);
            ones += y[i];
        }
        if (ones == 0 || ones == r) {
            throw new LorankException("kernel logistic: the train targets hold one class only; need both");
        }
        int[] fold = StratifiedFolds.testFolds(y, FOLDS);
        double[] correct = new double[CS.length];
        for (int f = 0; f < FOLDS; f++) {
            int[] train = rows(fold, f, false);
            int[] test = rows(fold, f, true);
            for (int c = 0; c < CS.length; c++) {
                double[] wb = train(k, y, train, CS[c]);
                for (int i : test) {
                    int pred = decision(wb, k, i) > 0 ? 1 : 0;
                    correct[c] += pred == y[i] ? 1 : 0;
                }
            }
        }
        int best = 0;
        for (int c = 1; c < CS.length; c++) {
            if (correct[c] > correct[best]) {
                best = c;
            }
        }
        double chosen = CS[best];
        double[] wb = train(k, y, rows(fold, -1, false), chosen);
        double cvAccuracy = correct[best] / r;
        return new Fit() {
            @Override
            public double[] scores(DMatrixRMaj cross) {
                if (cross.numCols != r) {
                    throw new IllegalArgumentException("cross kernel has " + cross.numCols + " columns for " + r + " train rows");
                }
                double[] s = new double[cross.numRows];
                for (int i = 0; i < s.length; i++) {
                    s[i] = decision(wb, cross, i);
                }
                return s;
            }

            @Override
            public Map<String, Object> details() {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("C", chosen);
                d.put("cv_accuracy", cvAccuracy);
                d.put("reg", reg);
                return d;
            }
        };
    }

    /** w·θ_i + b for row i of {@code x}, with wb = [w (R), b]. */
    static double decision(double[] wb, DMatrixRMaj x, int i) {
        int r = x.numCols;
        double s = wb[r];
        for (int j = 0; j < r; j++) {
            s += wb[j] * x.get(i, j);
        }
        return s;
    }

    /** Rows in fold {@code f} (test) or not in it (train); f = −1: all rows. */
    private static int[] rows(int[] fold, int f, boolean in) {
        return java.util.stream.IntStream.range(0, fold.length)
                .filter(i -> f < 0 || (fold[i] == f) == in).toArray();
    }

    /**
     * [w, b] minimizing ½‖w‖² + C Σ_{i ∈ rows} log(1 + exp(−ỹ_i (w·x_i + b))), ỹ = ±1, with LIBLINEAR; [0, 0..] when
     * the rows hold one class only (a degenerate fold: the intercept-only fit's sign, as scikit-learn would predict
     * that class everywhere).
     */
    static double[] train(DMatrixRMaj x, int[] y, int[] rows, double c) {
        int r = x.numCols;
        int ones = 0;
        for (int i : rows) {
            ones += y[i];
        }
        if (ones == 0 || ones == rows.length) {
            double[] wb = new double[r + 1];
            wb[r] = ones == 0 ? -1 : 1;
            return wb;
        }
        Problem p = new Problem();
        p.l = rows.length;
        p.n = r + 1;
        p.bias = 1;
        p.x = new Feature[rows.length][];
        p.y = new double[rows.length];
        for (int q = 0; q < rows.length; q++) {
            int i = rows[q];
            Feature[] f = new Feature[r + 1];
            for (int j = 0; j < r; j++) {
                f[j] = new FeatureNode(j + 1, x.get(i, j));
            }
            f[r] = new FeatureNode(r + 1, 1.0);
            p.x[q] = f;
            p.y[q] = y[i] == 1 ? 1 : -1;
        }
        Parameter param = new Parameter(SolverType.L2R_LR, c, EPS);
        param.setRegularizeBias(false);
        param.setMaxIters(10000);
        Linear.disableDebugOutput();
        Model m = Linear.train(p, param);
        double[] w = m.getFeatureWeights();                  // [w_1..w_R, b] for the model's first label
        double sign = m.getLabels()[0] == 1 ? 1 : -1;        // decision values are for label[0]
        double[] wb = new double[r + 1];
        for (int j = 0; j <= r; j++) {
            wb[j] = sign * w[j];
        }
        return wb;
    }

    private static double[] logspace(double from, double to, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.pow(10, from + (to - from) * i / (n - 1));
        }
        return v;
    }
}
