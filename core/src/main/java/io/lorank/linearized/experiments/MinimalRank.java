package io.lorank.linearized.experiments;

import io.lorank.linearized.*;

import io.lorank.LorankException;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.SolverStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * The smallest LoRA rank r whose solution (from any of a few seeded inits) passes the global-optimality
 * {@link Certificate}, reported beside the per-target ranks of the convex optimum ΔW*.
 */
public final class MinimalRank {
    /**
     * @param maxRank     largest rank tried (ranks 1..maxRank in order)
     * @param inits       seeded inits per rank (seed = lora.seed() + init)
     * @param lora        solver settings (its rank is replaced)
     * @param certificate certificate tolerances
     */
    public record Config(int maxRank, int inits, LoraSolverConfig lora, CertificateConfig certificate) {
        public Config {
            if (maxRank < 1 || inits < 1) {
                throw new LorankException("minimal rank: --max-rank = " + maxRank + ", --inits = " + inits + ", expected both >= 1");
            }
        }
    }

    /** One LoRA solve and its certificate. */
    public record Attempt(int rank, int init, double objective, SolverStatus status, int iterations,
                          Certificate.Verdict verdict, double relativeGap, double maxOpNorm) {
    }

    /**
     * @param minimalRank    smallest certified rank, or -1 when none up to maxRank
     * @param convexRanks    per target, the rank of ΔW* (singular values kept by the solver's last threshold)
     * @param convexObjective P(ΔW*)
     */
    public record Result(int minimalRank, int[] convexRanks, double convexObjective, List<Attempt> attempts) {
    }

    private MinimalRank() {
    }

    public static Result find(LinearizedProblem p, Config cfg, ConvexResult convex) {
        List<Attempt> attempts = new ArrayList<>();
        for (int r = 1; r <= cfg.maxRank(); r++) {
            for (int s = 0; s < cfg.inits(); s++) {
                LoraSolverConfig lc = cfg.lora().withRank(r).withSeed(cfg.lora().seed() + s);
                LoraResult res = LoraSolver.solve(p, lc);
                Certificate.Result cert = Certificate.check(p, res.point(), cfg.certificate(), convex.objective());
                attempts.add(new Attempt(r, s, res.objective(), res.status(), res.iterations(), cert.verdict(), cert.relativeGap(), cert.maxOpNorm()));
                if (cert.verdict() == Certificate.Verdict.CERTIFIED_GLOBAL) {
                    return new Result(r, convex.ranks(), convex.objective(), attempts);
                }
            }
        }
        return new Result(-1, convex.ranks(), convex.objective(), attempts);
    }
}
