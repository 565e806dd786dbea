package io.lorank.linearized.experiments;

import io.lorank.linearized.*;

import io.lorank.LorankException;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.SolverStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * M random inits per rank: the distribution of final LoRA objectives against the convex optimum P*, the fraction
 * that reach it ((h − P*) ≤ tolerance · max(|P*|, 1e-12)), and the smallest Hessian eigenvalue (in (B, A)) at each
 * end point by Lanczos on exact Hessian-vector products — negative: a strict saddle (GD stopped near one); ≥ 0 above
 * P*: a spurious local minimum (or a point of the rank-constrained optimum when rank &lt; rank(ΔW*)).
 */
public final class LandscapeProbe {
    /**
     * @param ranks        ranks probed
     * @param inits        inits per rank (seed = lora.seed() + 1000·rank + init)
     * @param tolerance    relative objective tolerance for "reached P*"
     * @param lora         solver settings (rank and seed replaced)
     * @param hessianSteps Lanczos steps for λ_min (0 = skip)
     */
    public record Config(int[] ranks, int inits, double tolerance, LoraSolverConfig lora, int hessianSteps) {
        public Config {
            if (ranks.length == 0 || inits < 1 || !(tolerance > 0) || hessianSteps < 0) {
                throw new LorankException("landscape probe: need >= 1 rank, --inits >= 1, tolerance > 0, hessian steps >= 0; got "
                        + ranks.length + " ranks, " + inits + " inits, tol " + tolerance + ", steps " + hessianSteps);
            }
        }
    }

    public record Run(int rank, int init, double objective, double relativeExcess, boolean reached, SolverStatus status,
                      int iterations, double seconds, double minHessianEigenvalue) {
    }

    /** Excess = (h − P*)/|P*| over the runs; max − min excess &gt; 0 with every λ_min ≥ 0: distinct local minima. */
    public record RankSummary(int rank, int runs, int reached, double fraction, double meanExcess, double minExcess,
                              double maxExcess, double minEigenvalueLow, double minEigenvalueHigh) {
    }

    public record Result(double convexOptimum, double tolerance, List<Run> runs, List<RankSummary> summary) {
        public RankSummary at(int rank) {
            return summary.stream().filter(s -> s.rank() == rank).findFirst().orElse(null);
        }
    }

    private LandscapeProbe() {
    }

    public static Result run(LinearizedProblem p, Config cfg, double convexOptimum) {
        List<Run> runs = new ArrayList<>();
        List<RankSummary> summary = new ArrayList<>();
        double scale = Math.max(Math.abs(convexOptimum), 1e-12);
        for (int r : cfg.ranks()) {
            int reached = 0;
            double sum = 0;
            double mx = Double.NEGATIVE_INFINITY;
            double mn = Double.POSITIVE_INFINITY;
            double eLo = Double.POSITIVE_INFINITY;
            double eHi = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < cfg.inits(); s++) {
                LoraSolverConfig lc = cfg.lora().withRank(r).withSeed(cfg.lora().seed() + 1000L * r + s);
                LoraResult res = LoraSolver.solve(p, lc);
                double excess = (res.objective() - convexOptimum) / scale;
                boolean ok = excess <= cfg.tolerance();
                double eig = Double.NaN;
                if (cfg.hessianSteps() > 0) {
                    eig = new LoraHessian(p, res.point()).minEigen(cfg.hessianSteps(), 1e-8, 99 + s).value();
                    eLo = Math.min(eLo, eig);
                    eHi = Math.max(eHi, eig);
                }
                runs.add(new Run(r, s, res.objective(), excess, ok, res.status(), res.iterations(), res.seconds(), eig));
                reached += ok ? 1 : 0;
                sum += excess;
                mx = Math.max(mx, excess);
                mn = Math.min(mn, excess);
            }
            summary.add(new RankSummary(r, cfg.inits(), reached, reached / (double) cfg.inits(), sum / cfg.inits(), mn, mx,
                    cfg.hessianSteps() > 0 ? eLo : Double.NaN, cfg.hessianSteps() > 0 ? eHi : Double.NaN));
        }
        return new Result(convexOptimum, cfg.tolerance(), runs, summary);
    }
}
