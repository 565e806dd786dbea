package io.lorank.linearized.experiments;

import io.lorank.linearized.*;

import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraSolverConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinimalRankTest {
    @Test
    void minimalCertifiedRankEqualsPlantedRank() {
        // 80 Gaussian measurements of a 6x6 rank-2 teacher (noise-free squared loss), lambda = 1e-3 lambda_max:
        // the convex optimum is a slightly shrunk teacher of rank 2
        DenseOperator op = Synthetic.gaussian(40, 2, new int[] {6}, new int[] {6}, 101);
        Synthetic.Planted planted = Synthetic.planted(op, Synthetic.LossKind.SQUARED, 2, 3.0, 1.0, 1.0, 102);
        LinearizedProblem p0 = planted.problem();
        LinearizedProblem p = p0.withLambda(1e-3 * p0.lambdaMax());
        ConvexResult cvx = ConvexSolver.solve(p, ConvexConfig.defaults());
        assertEquals(2, cvx.ranks()[0], "convex rank");
        MinimalRank.Result r = MinimalRank.find(p, new MinimalRank.Config(4, 2, LoraSolverConfig.defaults(1), CertificateConfig.defaults()), cvx);
        assertEquals(2, r.minimalRank(), "minimal certified rank; attempts " + r.attempts());
        MinimalRank.Attempt rank1 = r.attempts().get(0);
        assertEquals(1, rank1.rank());
        assertTrue(rank1.verdict() != Certificate.Verdict.CERTIFIED_GLOBAL);
    }

    @Test
    void landscapeProbeReachesOptimumAboveTheConvexRank() {
        DenseOperator op = Synthetic.gaussian(10, 2, new int[] {5}, new int[] {4}, 111);
        Synthetic.Planted planted = Synthetic.planted(op, Synthetic.LossKind.CE, 1, 2.0, 1.0, 1.0, 112);
        LinearizedProblem p = planted.problem().withLambda(0.2 * planted.problem().lambdaMax());
        ConvexResult cvx = ConvexSolver.solve(p, ConvexConfig.defaults());
        int r = cvx.ranks()[0];
        LandscapeProbe.Result res = LandscapeProbe.run(p, new LandscapeProbe.Config(new int[] {r, r + 1}, 3, 1e-6,
                LoraSolverConfig.defaults(1).withInit(LoraSolverConfig.Init.BOTH_RANDOM, 1.0), 60), cvx.objective());
        for (LandscapeProbe.RankSummary s : res.summary()) {
            assertEquals(1.0, s.fraction(), "rank " + s.rank() + ": runs " + res.runs());
            // at the global optimum the LoRA Hessian is PSD up to the solver's accuracy
            assertTrue(s.minEigenvalueLow() > -1e-5, "rank " + s.rank() + " lambda_min " + s.minEigenvalueLow());
        }
    }

    @Test
    void rankBoundsOfBothPapers() {
        assertEquals(11, SyntheticExperiment.paper1Bound(64), "10*11/2 = 55 <= 64 < 66 = 11*12/2");
        assertEquals(1, SyntheticExperiment.paper2Bound(48, 48, 64), "1*96 - 1 = 95 > 1.35*64 = 86.4");
        assertEquals(2, SyntheticExperiment.paper2Bound(48, 48, 80), "95 <= 108 < 2*96 - 4 = 188");
        assertEquals(-1, SyntheticExperiment.paper2Bound(6, 6, 80), "max over r of r(12) - r^2 is 36 < 108");
    }
}
