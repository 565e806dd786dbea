package io.lorank.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lorank.data.Example;
import io.lorank.data.Task;

import java.util.List;
import java.util.Map;

/**
 * A classifier f(W0): examples → logits [B, C], computed from the encoder's output.
 *
 * <p>Contract: {@link #forward} returns the logits [B, C] as an array in {@code manager}, built by DJL operations
 * from the encoder's forward, so it is differentiable with respect to every encoder parameter marked trainable
 * ({@link io.lorank.encoder.Encoder#setTrainable}) and to the head's own {@link #parameters()} when they require
 * gradients (a later issue linearizes f(W0) and fine-tunes it with LoRA). {@link #logits} is the plain evaluation
 * path: batched, no gradients, in example order. The head does not own the {@link Backbone}; close the head to
 * free its own arrays.
 */
public interface ClassifierHead extends AutoCloseable {
    HeadKind kind();

    Task task();

    default int numClasses() {
        return task().numClasses();
    }

    /** Logits [B, C] of {@code batch}, differentiable (see the class contract). */
    default NDArray forward(List<Example> batch, NDManager manager) {
        return forward(batch, manager, null);
    }

    /**
     * Logits [B, C] of {@code batch} with the encoder's forward tapped by {@code taps} (nullable): the taps then
     * hold X, the output probes and the attention mask of the one encoder forward that produced the logits.
     */
    NDArray forward(List<Example> batch, NDManager manager, io.lorank.encoder.LinearTaps taps);

    /** Logits [N][C] of {@code examples}, batched by length, in the given order. */
    double[][] logits(List<Example> examples);

    /**
     * The head's own parameters by name (e.g. {@code head.weight} [C, d], {@code head.bias} [C]) as arrays the head
     * owns; empty when the head has none (the MLM prompt head reuses the encoder's MLM weights).
     */
    Map<String, NDArray> parameters();

    /** The binary single-logit view f = z₁ − z₀ [B] (labels ±1, class 1 ↔ +1), as the papers' code uses. */
    static NDArray binaryLogit(NDArray logits) {
        if (logits.getShape().get(1) != 2) {
            throw new IllegalArgumentException("binary view needs 2 classes, logits are " + logits.getShape());
        }
        return logits.get(":, 1").sub(logits.get(":, 0"));
    }

    /** f = z₁ − z₀ per row of [N][2] logits. */
    static double[] binaryLogit(double[][] logits) {
        double[] f = new double[logits.length];
        for (int i = 0; i < f.length; i++) {
            if (logits[i].length != 2) {
                throw new IllegalArgumentException("binary view needs 2 classes, row " + i + " has "
                        + logits[i].length);
            }
            f[i] = logits[i][1] - logits[i][0];
        }
        return f;
    }

    /** Labels of the single-logit view: class 1 → +1, class 0 → −1. */
    static double[] signedLabels(int[] labels) {
        double[] y = new double[labels.length];
        for (int i = 0; i < y.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("binary view needs labels 0/1, label " + i + " is " + labels[i]);
            }
            y[i] = labels[i] == 1 ? 1 : -1;
        }
        return y;
    }

    /** Arg-max class per row (ties: the lower index). */
    static int[] predict(double[][] logits) {
        int[] out = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    @Override
    void close();
}
