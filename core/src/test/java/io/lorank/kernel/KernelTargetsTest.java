package io.lorank.kernel;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One-hot and ±1 targets, the arg-max rule (first on ties) and the --binary sign rule (0 → class 0). */
class KernelTargetsTest {
    @Test
    void oneHotForKOutputs() {
        assertArrayEquals(new double[] {0, 1, 0, 1, 0, 0, 0, 0, 1}, KernelTargets.of(new int[] {1, 0, 2}, 3, 3));
    }

    @Test
    void plusMinusOneForBinary() {
        assertArrayEquals(new double[] {1, -1, -1, 1}, KernelTargets.of(new int[] {1, 0, 0, 1}, 1, 2));
        assertThrows(LorankException.class, () -> KernelTargets.of(new int[] {0, 2}, 1, 3));
    }

    @Test
    void argMaxWithFirstOnTies() {
        assertArrayEquals(new int[] {1, 0, 2}, KernelTargets.predict(new double[] {0, 2, 1, 5, 5, -1, -3, -2, -1}, 3));
    }

    @Test
    void binarySignRule() {
        assertArrayEquals(new int[] {1, 0, 0, 1}, KernelTargets.predict(new double[] {0.2, -0.1, 0.0, 1e-12}, 1));
        assertArrayEquals(new int[] {0, 1}, KernelTargets.predict(new double[] {-1, 1}, 1), "SVM's ±1 scores");
    }
}
