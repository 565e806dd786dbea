package io.lorank.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scikit-learn's {@code StratifiedKFold(n_splits).split} without shuffling (what {@code LogisticRegressionCV(cv=5)}
 * uses for classifiers), ported so the cross-validated C matches: classes are numbered by first appearance, the
 * sorted class sequence is dealt round-robin to the folds to fix each fold's per-class counts, and each class's
 * examples, in order, fill folds 0, 1, ... by those counts.
 */
public final class StratifiedFolds {
    private StratifiedFolds() {
    }

    /** The test fold of each example, in [0, splits). */
    public static int[] testFolds(int[] y, int splits) {
        if (splits < 2 || y.length < splits) {
            throw new IllegalArgumentException("stratified folds: " + y.length + " examples cannot make " + splits + " folds");
        }
        Map<Integer, Integer> code = new LinkedHashMap<>();
        int[] enc = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            enc[i] = code.computeIfAbsent(y[i], c -> code.size());
        }
        int classes = code.size();
        int[] order = enc.clone();
        Arrays.sort(order);
        int[][] allocation = new int[splits][classes];
        for (int f = 0; f < splits; f++) {
            for (int i = f; i < order.length; i += splits) {
                allocation[f][order[i]]++;
            }
        }
        int[] fold = new int[y.length];
        for (int c = 0; c < classes; c++) {
            List<Integer> folds = new ArrayList<>();
            for (int f = 0; f < splits; f++) {
                for (int r = 0; r < allocation[f][c]; r++) {
                    folds.add(f);
                }
            }
            int next = 0;
            for (int i = 0; i < y.length; i++) {
                if (enc[i] == c) {
                    fold[i] = folds.get(next++);
                }
            }
        }
        return fold;
    }
}
