package io.lorank.lora;

import io.lorank.LorankException;
import io.lorank.encoder.LinearTarget;
import io.lorank.encoder.TargetSelection;

import java.util.List;
import java.util.Map;

/**
 * The adapter's settings, PEFT's {@code LoraConfig} without its sprawl. Self-validating: rank ≥ 1, alpha finite and
 * positive, dropout in [0, 1); {@link #resolve} further checks every target's rank against min(m, n) and names
 * unknown targets with the valid list ({@link TargetSelection}).
 *
 * @param rank        r (the default rank of every target)
 * @param alpha       lora_alpha; scaling alpha/r, or alpha/√r with {@code rslora}
 * @param rslora      PEFT's {@code use_rslora}
 * @param dropout     lora_dropout, applied to x before A while training
 * @param init        initialisation of A (B is always 0)
 * @param targets     a {@link TargetSelection} spec, e.g. {@code query,value}
 * @param rankPattern per-module ranks by full HF module name or layer-relative suffix (PEFT's {@code rank_pattern});
 *                    empty for none
 */
public record LoraConfig(int rank, double alpha, boolean rslora, double dropout, LoraInit init, String targets,
                         Map<String, Integer> rankPattern) {
    public LoraConfig {
        if (rank < 1) {
            throw new LorankException("--rank: " + rank + " is not allowed; expected an integer ≥ 1 (and ≤ min(m, n) "
                    + "of every target)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new LorankException("--alpha: " + alpha + " is not allowed; expected a finite value > 0");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new LorankException("--lora-dropout: " + dropout + " is not allowed; expected a value in [0, 1)");
        }
        if (init == null) {
            throw new LorankException("init: missing; choose kaiming or gaussian");
        }
        targets = targets == null ? TargetSelection.DEFAULT : targets;
        rankPattern = rankPattern == null ? Map.of() : Map.copyOf(rankPattern);
        rankPattern.forEach((k, v) -> {
            if (v == null || v < 1) {
                throw new LorankException("rank_pattern: " + k + " = " + v + " is not allowed; expected a rank ≥ 1");
            }
        });
    }

    /** r = 8, alpha = 16 (PEFT's examples), no dropout, Kaiming-uniform A, query+value. */
    public static LoraConfig defaults(int rank) {
        return new LoraConfig(rank, 2.0 * rank, false, 0, LoraInit.KAIMING_UNIFORM, TargetSelection.DEFAULT, Map.of());
    }

    /** The rank of one target: its rank_pattern entry (full name, then layer-relative suffix) or {@link #rank}. */
    public int rankOf(LinearTarget t) {
        Integer r = rankPattern.get(t.name());
        if (r == null) {
            r = rankPattern.get(t.layerRelativeName());
        }
        return r == null ? rank : r;
    }

    /** alpha/r, or alpha/√r with rslora, for rank r (the same scaling the linearized problem uses). */
    public double scaling(int r) {
        return rslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** The selected targets of {@code all}, each checked: 1 ≤ rank ≤ min(m, n). */
    public List<LinearTarget> resolve(List<LinearTarget> all) {
        List<LinearTarget> chosen = TargetSelection.select(all, targets);
        for (String k : rankPattern.keySet()) {
            if (chosen.stream().noneMatch(t -> t.name().equals(k) || t.layerRelativeName().equals(k))) {
                throw new LorankException("rank_pattern: '" + k + "' names no selected target; use a full name such as "
                        + chosen.get(0).name() + " or a layer-relative one such as " + chosen.get(0).layerRelativeName());
            }
        }
        for (LinearTarget t : chosen) {
            int r = rankOf(t);
            int max = Math.min(t.out(), t.in());
            if (r > max) {
                throw new LorankException("--rank: " + r + " is above min(m, n) = " + max + " of " + t.name() + " ["
                        + t.out() + ", " + t.in() + "]; choose a rank in [1, " + max + "]");
            }
        }
        return chosen;
    }
}
