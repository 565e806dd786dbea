package io.lorank.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The ops of {@link GradSafe} give exact gradients when every array they made is closed before the backward (an
 * NDScope) and the GC has freed and reused that memory. With DJL's own {@code x.mul(3.0)} and {@code t.div(2.0)} in
 * their place this test fails (the gradient reads freed memory: NaN, checked when it was written).
 */
class GradSafeTest {
    /** GC (frees direct buffers of closed arrays), then fill fresh direct buffers with 9e9 (reusing that memory). */
    static void churn() {
        java.util.List<java.nio.ByteBuffer> keep = new java.util.ArrayList<>();
        for (int g = 0; g < 3; g++) {
            System.gc();
            for (int j = 0; j < 64; j++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64).order(java.nio.ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(9e9f);
                }
                keep.add(b);
            }
        }
    }

    @Test
    void gradientsThroughScopedConstantsAreExact() {
        for (int rep = 0; rep < 20; rep++) {
            try (NDManager m = Engines.newManager(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                NDArray x = m.create(new float[] {0.5f, -2f, 3f, 4e-13f});
                x.setRequiresGradient(true);
                NDArray y;
                try (NDScope scope = new NDScope()) {
                    NDArray t = GradSafe.times(x, 3.0);                  // 3x
                    NDArray u = GradSafe.dividedBy(t, 2.0);              // 1.5x
                    NDArray w = GradSafe.atLeast(u, 1e-12);              // max(1.5x, 1e-12)
                    NDArray d = GradSafe.constant(m, new float[] {1, 2, 3, 4}, x.getShape());
                    y = w.mul(d).add(GradSafe.power(x, 2).mul(GradSafe.times(d, 0)));
                    NDScope.unregister(y);
                }
                churn(); // let the GC free what the scope closed, and reuse that memory
                gc.backward(y.sum());
                float[] g = x.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
                // d/dx of max(1.5x, 1e-12)·d: 1.5·d where 1.5x > 1e-12, else 0 (x = -2 and x = 4e-13 are floored)
                assertArrayEquals(new float[] {1.5f, 0f, 4.5f, 0f}, g, 0f, "rep " + rep);
            }
        }
    }
}
