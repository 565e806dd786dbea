package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The training loss over a batch of example indices, built by differentiable DJL operations. */
public interface Objective {
    /** Number of training examples. */
    int size();

    /** Mean loss of the examples {@code batch} (indices into [0, size)) as a scalar in {@code manager}. */
    NDArray loss(int[] batch, NDManager manager);
}
