package io.lorank.lora;

import io.lorank.LorankException;

import java.util.Locale;

/**
 * How A and B start (PEFT's {@code init_lora_weights}, read from {@code peft/tuners/lora/layer.py}).
 * <ul>
 *   <li>{@link #KAIMING_UNIFORM} (PEFT's {@code true}): A ~ kaiming_uniform(a = √5) on [r, n], i.e.
 *       U(−1/√n, 1/√n) (gain √(2/(1+a²)) = √(1/3), bound gain·√(3/n)); B = 0.</li>
 *   <li>{@link #GAUSSIAN} ({@code "gaussian"}): A ~ N(0, (1/r)²); B = 0.</li>
 *   <li>{@link #PISSA} ({@code "pissa"}): W0 = U S Vᵀ; A = diag(√(S_r/scaling)) V_rᵀ, B = U_r diag(√(S_r/scaling)),
 *       and the base weight becomes W0 − scaling·B A (so f is unchanged at init).</li>
 * </ul>
 * With B = 0 (the first two) ΔW = 0 at init, so f equals f(W0) exactly.
 */
public enum LoraInit {
    KAIMING_UNIFORM, GAUSSIAN, PISSA;

    /** The value PEFT writes in {@code init_lora_weights}: {@code true}, {@code "gaussian"} or {@code "pissa"}. */
    public Object peftValue() {
        return switch (this) {
            case KAIMING_UNIFORM -> Boolean.TRUE;
            case GAUSSIAN -> "gaussian";
            case PISSA -> "pissa";
        };
    }

    /** Parses a CLI value (kaiming, gaussian, pissa) or PEFT's config value (true, "gaussian", "pissa"). */
    public static LoraInit parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "kaiming", "kaiming_uniform", "kaiming-uniform", "true", "default" -> KAIMING_UNIFORM;
            case "gaussian" -> GAUSSIAN;
            case "pissa" -> PISSA;
            default -> throw new LorankException("--init: '" + s + "' is not a LoRA initialisation; choose "
                    + "kaiming (PEFT's default), gaussian or pissa");
        };
    }
}
