package io.lorank.lora;

import io.lorank.LorankException;
import io.lorank.encoder.LinearTarget;
import io.lorank.encoder.TargetSelection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapter's settings (PEFT's {@code LoraConfig} without its sprawl), validated on construction.
 *
 * <p>Scaling: s = alpha / r, or alpha / √r with {@code rslora} (Kalajdzievski 2023, PEFT's {@code use_rslora}); the
 * linearized solvers use the same s, so a linearized ΔW = s·B A means what a trained adapter's does.
 *
 * @param rank        r ≥ 1 for every target without a {@code rankPattern} entry
 * @param alpha       lora_alpha (&gt; 0, finite)
 * @param rslora      scaling alpha/√r instead of alpha/r
 * @param dropout     dropout on the adapter's input, in [0, 1) (PEFT's {@code lora_dropout}; 0 = none)
 * @param init        how A and B start
 * @param targets     a {@link TargetSelection} spec, e.g. {@code query,value} or {@code all-linear}
 * @param rankPattern per-target ranks (key: a full module name or a name suffix such as {@code layer.5.attention.self.query}); may be empty
 */
public record LoraConfig(int rank, double alpha, boolean rslora, double dropout, LoraInit init, String targets,
                         Map<String, Integer> rankPattern) {
    public LoraConfig {
        if (rank < 1) {
            throw new LorankException("--rank: " + rank + " is not allowed; expected r >= 1 (and <= min(m, n) of "
                    + "every target)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new LorankException("--alpha: " + alpha + " is not allowed; expected a finite lora_alpha > 0");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new LorankException("--dropout: " + dropout + " is not allowed; expected 0 <= p < 1");
        }
        if (init == null) {
            throw new LorankException("--init: missing; choose kaiming, gaussian or pissa");
        }
        if (targets == null || targets.isBlank()) {
            throw new LorankException("--targets: empty; e.g. query,value or all-linear");
        }
        rankPattern = rankPattern == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(rankPattern));
        rankPattern.forEach((k, v) -> {
            if (v == null || v < 1) {
                throw new LorankException("rank_pattern: " + k + " = " + v + " is not allowed; expected r >= 1");
            }
        });
    }

    /** r = 8, alpha = 16, no rsLoRA, no dropout, PEFT's Kaiming init, query+value. */
    public static LoraConfig defaults() {
        return new LoraConfig(8, 16, false, 0, LoraInit.KAIMING_UNIFORM, TargetSelection.DEFAULT, Map.of());
    }

    public LoraConfig withRank(int r) {
        return new LoraConfig(r, alpha, rslora, dropout, init, targets, rankPattern);
    }

    public LoraConfig withAlpha(double a) {
        return new LoraConfig(rank, a, rslora, dropout, init, targets, rankPattern);
    }

    public LoraConfig withTargets(String spec) {
        return new LoraConfig(rank, alpha, rslora, dropout, init, spec, rankPattern);
    }

    public LoraConfig withInit(LoraInit i) {
        return new LoraConfig(rank, alpha, rslora, dropout, i, targets, rankPattern);
    }

    public LoraConfig withDropout(double p) {
        return new LoraConfig(rank, alpha, rslora, p, init, targets, rankPattern);
    }

    /** s = alpha / r (alpha / √r with rsLoRA) for a target of rank r. */
    public double scaling(int r) {
        return rslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** The rank of {@code target}: its {@code rankPattern} entry (full name or dotted suffix) or {@link #rank}. */
    public int rankOf(LinearTarget target) {
        for (var e : rankPattern.entrySet()) {
            if (target.name().equals(e.getKey()) || target.name().endsWith("." + e.getKey())) {
                return e.getValue();
            }
        }
        return rank;
    }

    /**
     * The targets of an encoder this config selects, each with a valid rank: 1 ≤ r ≤ min(m, n), else one line
     * naming the module and its shape. Unknown target names fail in {@link TargetSelection} listing the valid ones.
     */
    public List<LinearTarget> resolve(List<LinearTarget> all) {
        List<LinearTarget> chosen = TargetSelection.select(all, targets);
        for (String key : rankPattern.keySet()) {
            if (chosen.stream().noneMatch(t -> t.name().equals(key) || t.name().endsWith("." + key))) {
                throw new LorankException("rank_pattern: '" + key + "' matches none of the " + chosen.size()
                        + " targets (e.g. " + chosen.get(0).name() + ")");
            }
        }
        for (LinearTarget t : chosen) {
            int r = rankOf(t);
            int max = Math.min(t.out(), t.in());
            if (r > max) {
                throw new LorankException("--rank: " + r + " is too large for " + t.name() + " [" + t.out() + ", "
                        + t.in() + "]; expected 1 <= r <= min(m, n) = " + max);
            }
        }
        return chosen;
    }
}
