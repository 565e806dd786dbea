package io.lorank.model;

import io.lorank.LorankException;

/** The feed-forward activation named by HF {@code hidden_act}. */
public enum HiddenAct {
    /** Exact GELU: x·Φ(x) = x/2·(1 + erf(x/√2)); HF "gelu". */
    GELU,
    /** Tanh approximation: x/2·(1 + tanh(√(2/π)(x + 0.044715x³))); HF "gelu_new", "gelu_pytorch_tanh". */
    GELU_TANH,
    /** max(0, x). */
    RELU;

    public static HiddenAct fromHf(String name, String where) {
        return switch (name) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new LorankException(where + ": hidden_act \"" + name
                    + "\" is not supported, expected gelu, gelu_new, gelu_pytorch_tanh or relu");
        };
    }

    public String hfName() {
        return switch (this) {
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_new";
            case RELU -> "relu";
        };
    }
}
