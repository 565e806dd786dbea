package io.lorank.linearized.experiments;

import io.lorank.linearized.*;

import io.lorank.util.MeanStd;
import io.lorank.LorankException;
import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.util.Progress;

import java.util.ArrayList;
import java.util.List;

/**
 * Minimal certified rank on planted synthetic problems: per seed, a Gaussian-iid dense operator (one m × n target,
 * N examples, K outputs), a planted rank-r* teacher generating the labels, λ = lambdaFraction · λ_max; then the
 * convex optimum ΔW*, the minimal certified LoRA rank, and a landscape probe at ranks 1 .. rank(ΔW*) + 1, beside the
 * two papers' rank bounds.
 */
public final class SyntheticExperiment {
    /**
     * @param loss           CE (K ≥ 2), SQUARED or LOGISTIC (K = 1)
     * @param lambdaFraction λ = lambdaFraction · λ_max, in (0, 1)
     * @param maxRank        largest LoRA rank tried
     * @param inits          inits per rank for the minimal rank
     * @param probeInits     inits per rank for the landscape probe (0 = no probe)
     * @param probeTolerance relative objective tolerance for "reached P*"
     * @param probeToRank    highest rank probed; 0 = rank(ΔW*) + 1 (set it to paper 1's r to cover its whole range)
     */
    public record Config(Synthetic.LossKind loss, int m, int n, int examples, int outputs, int plantedRank, long[] seeds,
                         double lambdaFraction, int maxRank, int inits, int probeInits, double probeTolerance,
                         int probeToRank) {
        public Config {
            if (m < 1 || n < 1 || examples < 1 || outputs < 1) {
                throw new LorankException("--m, --n, --examples, --outputs must be >= 1; got " + m + ", " + n + ", " + examples + ", " + outputs);
            }
            if (plantedRank < 1 || plantedRank > Math.min(m, n)) {
                throw new LorankException("--planted-rank = " + plantedRank + ", expected 1.." + Math.min(m, n));
            }
            if (!(lambdaFraction > 0 && lambdaFraction < 1)) {
                throw new LorankException("--lambda-fraction = " + lambdaFraction + ", expected in (0, 1)");
            }
            if (seeds.length == 0 || maxRank < 1 || inits < 1 || probeInits < 0 || !(probeTolerance > 0)) {
                throw new LorankException("need >= 1 seed, --max-rank >= 1, --inits >= 1, --probe-inits >= 0, --probe-tol > 0");
            }
            if (probeToRank < 0 || probeToRank > Math.min(m, n)) {
                throw new LorankException("--probe-to-rank = " + probeToRank + ", expected 0 (convex rank + 1) or 1.." + Math.min(m, n));
            }
            if (loss == Synthetic.LossKind.CE && outputs < 2 || loss == Synthetic.LossKind.LOGISTIC && outputs != 1) {
                throw new LorankException("--loss " + loss + " with --outputs " + outputs + ": CE needs K >= 2, logistic K = 1");
            }
        }
    }

    /** Per seed. convexRank: singular values kept by the final threshold; probe: fraction per rank. */
    public record SeedResult(long seed, double lambda, double lambdaMax, double convexObjective, double convexGap,
                             int convexRank, int minimalCertifiedRank, List<MinimalRank.Attempt> attempts,
                             List<LandscapeProbe.RankSummary> probe, List<LandscapeProbe.Run> probeRuns, double probeFractionAtConvexRank, double seconds) {
    }

    /** paper1Bound: smallest r with r(r+1)/2 &gt; KN; paper2Bound: smallest r with r(m+n) − r² &gt; 1.35·KN (-1: none). */
    public record Result(Config config, int paper1Bound, int paper2Bound, List<SeedResult> seeds, MeanStd minimalRank,
                         MeanStd convexRank, MeanStd probeFraction) {
    }

    private SyntheticExperiment() {
    }

    /** Smallest r with r(r+1)/2 &gt; KN (Jang, Lee &amp; Ryu 2024); see {@link RankBounds#paper1Rank}. */
    public static int paper1Bound(int kn) {
        return Math.toIntExact(RankBounds.paper1Rank(kn)); // kn is an int, so r <= 65536
    }

    /** Smallest r ≤ min(m, n) with r(m+n) − r² &gt; 1.35·KN (Park 2026), or -1; see {@link RankBounds#paper2Rank}. */
    public static int paper2Bound(int m, int n, int kn) {
        Integer r = RankBounds.paper2Rank(List.of(new TargetShape("W", m, n)), RankBounds.DEFAULT_CSTAR * kn);
        return r == null ? -1 : r;
    }

    public static Result run(Config cfg) {
        List<SeedResult> out = new ArrayList<>();
        try (Progress bar = Progress.start("synthetic " + cfg.loss(), cfg.seeds().length)) {
            for (long seed : cfg.seeds()) {
                out.add(runSeed(cfg, seed));
                bar.step();
            }
        }
        int kn = cfg.examples() * cfg.outputs();
        double[] mr = out.stream().mapToDouble(SeedResult::minimalCertifiedRank).toArray();
        double[] cr = out.stream().mapToDouble(SeedResult::convexRank).toArray();
        double[] pf = out.stream().mapToDouble(SeedResult::probeFractionAtConvexRank).toArray();
        return new Result(cfg, paper1Bound(kn), paper2Bound(cfg.m(), cfg.n(), kn), out, MeanStd.of(mr), MeanStd.of(cr), MeanStd.of(pf));
    }

    /** The probe needs the objective to ~1e-5 relative, not a certificate: stop earlier than the defaults. */
    static LoraSolverConfig probeSolver(LoraSolverConfig lora) {
        LoraSolverConfig c = lora.withInit(LoraSolverConfig.Init.BOTH_RANDOM, 1.0);
        return new LoraSolverConfig(c.rank(), c.method(), c.learningRate(), 10_000, 1e-8, 1e-11, c.init(), c.initScale(), false, c.batchSize(), c.seed());
    }

    static SeedResult runSeed(Config cfg, long seed) {
        long t0 = System.nanoTime();
        DenseOperator op = Synthetic.gaussian(cfg.examples(), cfg.outputs(), new int[] {cfg.m()}, new int[] {cfg.n()}, seed);
        Synthetic.Planted planted = Synthetic.planted(op, cfg.loss(), cfg.plantedRank(), 3.0, 1.0, 1.0, seed);
        double lmax = planted.problem().lambdaMax();
        LinearizedProblem p = planted.problem().withLambda(cfg.lambdaFraction() * lmax);
        ConvexResult cvx = ConvexSolver.solve(p, ConvexConfig.defaults());
        LoraSolverConfig lora = LoraSolverConfig.defaults(1).withSeed(seed);
        MinimalRank.Result mr = MinimalRank.find(p, new MinimalRank.Config(cfg.maxRank(), cfg.inits(), lora, CertificateConfig.defaults()), cvx);
        List<LandscapeProbe.RankSummary> probe = List.of();
        List<LandscapeProbe.Run> probeRuns = List.of();
        double frac = Double.NaN;
        int rc = cvx.ranks()[0];
        if (cfg.probeInits() > 0) {
            int top = cfg.probeToRank() > 0 ? cfg.probeToRank() : Math.min(rc + 1, Math.min(cfg.m(), cfg.n()));
            int[] ranks = new int[top];
            for (int r = 1; r <= top; r++) {
                ranks[r - 1] = r;
            }
            LandscapeProbe.Result pr = LandscapeProbe.run(p, new LandscapeProbe.Config(ranks, cfg.probeInits(), cfg.probeTolerance(),
                    probeSolver(lora), 120), cvx.objective());
            probe = pr.summary();
            probeRuns = pr.runs();
            LandscapeProbe.RankSummary at = pr.at(Math.max(rc, 1));
            frac = at == null ? Double.NaN : at.fraction();
        }
        return new SeedResult(seed, p.lambda(), lmax, cvx.objective(), cvx.dualityGap(), rc, mr.minimalRank(), mr.attempts(),
                probe, probeRuns, frac, (System.nanoTime() - t0) * 1e-9);
    }
}
