package io.lorank.encoder;

import io.lorank.engine.GradSafe;

import ai.djl.ndarray.NDArray;
import io.lorank.model.HiddenAct;

/** The feed-forward activations, matched to HF's definitions. */
final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Activations() {
    }

    static NDArray apply(HiddenAct act, NDArray x) {
        return switch (act) {
            // libtorch's gelu with the default approximate="none": x·Φ(x) via erf, as HF "gelu" (checked vs ONNX Erf)
            case GELU -> x.getNDArrayInternal().gelu();
            // HF NewGELUActivation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
            case GELU_TANH -> GradSafe.times(x, 0.5).mul(GradSafe.times(
                    GradSafe.times(GradSafe.power(x, 3), 0.044715).add(x), SQRT_2_OVER_PI).tanh().add(1));
            case RELU -> x.getNDArrayInternal().relu();
        };
    }
}
