package io.lorank.kernel;

import io.lorank.LorankException;

/**
 * LM-Kernel-FT's regression targets and prediction rule for K outputs per example (rows i·K + k):
 * <ul>
 *   <li>K ≥ 2: one-hot targets, y[i·K + k] = 1 if k is example i's class, else 0; prediction: the arg-max over k
 *   of the K scores (the first on ties);</li>
 *   <li>K = 1 ({@code --binary}, the single logit z₁ − z₀): y[i] = +1 for class 1, −1 for class 0; prediction:
 *   class 1 when the score is > 0 (LM-Kernel-FT stacks [−s, s] and takes the arg-max, so 0 gives class 0).</li>
 * </ul>
 * With {@code --adjust-for-init} the fitted targets are y − f0 and f0 is added back to the scores.
 */
public final class KernelTargets {
    private KernelTargets() {
    }

    /** y [N·K] for class labels in [0, classes); K = 1 needs 2 classes (±1 targets). */
    public static double[] of(int[] labels, int outputs, int classes) {
        if (outputs == 1 && classes != 2) {
            throw new LorankException("kernel targets: K = 1 (--binary) needs 2 classes, got " + classes);
        }
        if (outputs != 1 && outputs != classes) {
            throw new LorankException("kernel targets: K = " + outputs + " outputs for " + classes + " classes; expected K = classes");
        }
        double[] y = new double[labels.length * outputs];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new LorankException("kernel targets: label " + labels[i] + " of example " + i + " is outside 0.." + (classes - 1));
            }
            if (outputs == 1) {
                y[i] = labels[i] == 1 ? 1 : -1;
            } else {
                y[i * outputs + labels[i]] = 1;
            }
        }
        return y;
    }

    /** The class of each example from scores [N·K]. */
    public static int[] predict(double[] scores, int outputs) {
        if (scores.length % outputs != 0) {
            throw new IllegalArgumentException(scores.length + " scores are not a multiple of K = " + outputs);
        }
        int n = scores.length / outputs;
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) {
            if (outputs == 1) {
                pred[i] = scores[i] > 0 ? 1 : 0;
                continue;
            }
            int best = 0;
            for (int k = 1; k < outputs; k++) {
                if (scores[i * outputs + k] > scores[i * outputs + best]) {
                    best = k;
                }
            }
            pred[i] = best;
        }
        return pred;
    }

    /** a − b elementwise (targets minus f0). */
    public static double[] minus(double[] a, double[] b) {
        check(a, b);
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] -= b[i];
        }
        return r;
    }

    /** a + b elementwise (scores plus f0). */
    public static double[] plus(double[] a, double[] b) {
        check(a, b);
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += b[i];
        }
        return r;
    }

    private static void check(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
    }
}
