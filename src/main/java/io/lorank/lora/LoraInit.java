package io.lorank.lora;

/**
 * How A and B start. Both PEFT inits set B = 0, so the adapted model starts exactly at f(W0).
 * <ul>
 *   <li>{@link #KAIMING_UNIFORM}: PEFT's default ({@code init_lora_weights: true}): A ~ kaiming_uniform(a = √5), i.e.
 *       U(−1/√n, 1/√n) over fan-in n (gain √(2/(1+a²)) = 1/√3, bound √3·gain/√n).</li>
 *   <li>{@link #GAUSSIAN}: PEFT's {@code "gaussian"}: A ~ N(0, (1/r)²).</li>
 * </ul>
 */
public enum LoraInit {
    KAIMING_UNIFORM,
    GAUSSIAN;

    /** The value of PEFT's {@code init_lora_weights}: {@code true} or {@code "gaussian"}. */
    public Object peftValue() {
        return this == KAIMING_UNIFORM ? Boolean.TRUE : "gaussian";
    }

    /** Parses a CLI value ({@code kaiming}, {@code gaussian}) or PEFT's JSON value (true / "gaussian"). */
    public static LoraInit parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "kaiming", "kaiming_uniform", "kaiming-uniform", "true" -> KAIMING_UNIFORM;
            case "gaussian" -> GAUSSIAN;
            default -> throw new io.lorank.LorankException("init: '" + s + "' is not supported; choose kaiming "
                    + "(PEFT's default, init_lora_weights: true) or gaussian (PiSSA is not implemented yet)");
        };
    }
}
