package io.lorank.head;

import io.lorank.data.Example;
import io.lorank.util.Progress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a per-batch function over many examples: batches of similar length (sorted by text length, so little
 * padding), results returned in the original order, a progress bar with ETA for large sets.
 */
final class Batching {
    /** Examples per forward: large enough to amortize per-call overhead, small enough for short pad lengths. */
    static final int BATCH_SIZE = 32;
    private static final int PROGRESS_FROM = 500;

    private Batching() {
    }

    /**
     * @param fn   batch → row-major [B, cols] floats
     * @param what progress label
     * @return [N][cols] in the order of {@code examples}
     */
    static double[][] map(List<Example> examples, int cols, String what, Function<List<Example>, float[]> fn) {
        int n = examples.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> length(examples.get(i))));
        double[][] out = new double[n][];
        try (Progress bar = n >= PROGRESS_FROM ? Progress.start(what, n) : null) {
            for (int s = 0; s < n; s += BATCH_SIZE) {
                int e = Math.min(n, s + BATCH_SIZE);
                List<Example> batch = new ArrayList<>(e - s);
                for (int k = s; k < e; k++) {
                    batch.add(examples.get(order[k]));
                }
                float[] v = fn.apply(batch);
                for (int k = s; k < e; k++) {
                    double[] row = new double[cols];
                    for (int c = 0; c < cols; c++) {
                        row[c] = v[(k - s) * cols + c];
                    }
                    out[order[k]] = row;
                }
                if (bar != null) {
                    bar.stepBy(e - s);
                }
            }
        }
        return out;
    }

    private static int length(Example e) {
        return e.text().length() + (e.textPair() == null ? 0 : e.textPair().length());
    }
}
