package io.lorank.probe;

import io.lorank.LorankException;
import io.lorank.data.TaskMetric;

/**
 * Classification metrics as GLUE / LM-BFF report them (scikit-learn's definitions), and mean ± sample standard
 * deviation across seeds.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Fraction of {@code pred[i] == gold[i]}. */
    public static double accuracy(int[] pred, int[] gold) {
        check(pred, gold);
        int ok = 0;
        for (int i = 0; i < pred.length; i++) {
            ok += pred[i] == gold[i] ? 1 : 0;
        }
        return (double) ok / pred.length;
    }

    /** Binary F1 of the positive class 1: 2TP / (2TP + FP + FN); 0 when there is no positive at all. */
    public static double f1(int[] pred, int[] gold) {
        check(pred, gold);
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == 1 && gold[i] == 1) {
                tp++;
            } else if (pred[i] == 1) {
                fp++;
            } else if (gold[i] == 1) {
                fn++;
            }
        }
        long den = 2 * tp + fp + fn;
        return den == 0 ? 0.0 : 2.0 * tp / den;
    }

    /**
     * Matthews correlation (multi-class form of Gorodkin 2004, as scikit-learn):
     * (c·s − Σ_k p_k t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²)), c = correct, s = N, p_k/t_k predicted/true counts;
     * for two classes this is (TP·TN − FP·FN)/sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)). 0 when the denominator is 0.
     */
    public static double mcc(int[] pred, int[] gold) {
        check(pred, gold);
        int k = 0;
        for (int i = 0; i < pred.length; i++) {
            k = Math.max(k, Math.max(pred[i], gold[i]) + 1);
        }
        double[] p = new double[k];
        double[] t = new double[k];
        double c = 0;
        for (int i = 0; i < pred.length; i++) {
            p[pred[i]]++;
            t[gold[i]]++;
            c += pred[i] == gold[i] ? 1 : 0;
        }
        double s = pred.length;
        double pt = 0, pp = 0, tt = 0;
        for (int j = 0; j < k; j++) {
            pt += p[j] * t[j];
            pp += p[j] * p[j];
            tt += t[j] * t[j];
        }
        double den = Math.sqrt((s * s - pp) * (s * s - tt));
        return den == 0 ? 0.0 : (c * s - pt) / den;
    }

    /** The task's metric. */
    public static double score(TaskMetric metric, int[] pred, int[] gold) {
        return switch (metric) {
            case ACCURACY -> accuracy(pred, gold);
            case F1 -> f1(pred, gold);
            case MCC -> mcc(pred, gold);
        };
    }

    private static void check(int[] pred, int[] gold) {
        if (pred.length != gold.length || pred.length == 0) {
            throw new LorankException("metrics: " + pred.length + " predictions for " + gold.length
                    + " labels; expected the same number, > 0");
        }
    }
}
