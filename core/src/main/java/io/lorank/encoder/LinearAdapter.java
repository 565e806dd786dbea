package io.lorank.encoder;

import ai.djl.ndarray.NDArray;

/**
 * Something added to a Linear's output, e.g. LoRA's {@code B(A(dropout x))·scaling}. Given the input x [B, T, n]
 * it returns Δy [B, T, m]; the Linear returns W x + b + Δy.
 */
@FunctionalInterface
public interface LinearAdapter {
    NDArray apply(NDArray x);
}
