package io.lorank.linearized;

import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.SolverStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraSolverTest {
    @ParameterizedTest
    @EnumSource(value = Synthetic.LossKind.class, names = {"CE", "SQUARED"})
    void largeRankReachesConvexOptimum(Synthetic.LossKind kind) {
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(2, 61), kind, 0.05, 62);
        ConvexResult cvx = ConvexSolver.solve(p, ConvexConfig.defaults().withGapTolerance(1e-9));
        LoraResult lora = LoraSolver.solve(p, LoraSolverConfig.defaults(4));
        double rel = (lora.objective() - cvx.objective()) / Math.abs(cvx.objective());
        assertTrue(Math.abs(rel) < 1e-6, kind + ": LoRA " + lora.objective() + " vs convex " + cvx.objective() + " (rel 1e-6)");
        assertEquals(Certificate.Verdict.CERTIFIED_GLOBAL, Certificate.check(p, lora.point(), CertificateConfig.defaults(), cvx.objective()).verdict());
        // the curve is monotone for GD with Armijo backtracking
        double[] c = lora.curve();
        for (int t = 1; t < c.length; t++) {
            assertTrue(c[t] <= c[t - 1], "GD objective increased at " + t);
        }
    }

    @Test
    void adamAndSgdDecreaseTheObjective() {
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(2, 71), Synthetic.LossKind.CE, 0.05, 72);
        LoraSolverConfig base = LoraSolverConfig.defaults(2).withMaxIterations(400);
        LoraResult adam = LoraSolver.solve(p, base.withMethod(LoraSolverConfig.Method.ADAM, 0.01));
        LoraResult sgd = LoraSolver.solve(p, new LoraSolverConfig(2, LoraSolverConfig.Method.SGD, 0.05, 400, 1e-9, 0, LoraSolverConfig.Init.LORA, 1.0, false, 2, 0));
        LoraResult gd = LoraSolver.solve(p, base);
        for (LoraResult r : new LoraResult[] {adam, sgd}) {
            assertTrue(r.status() != SolverStatus.DIVERGED);
            assertTrue(r.objective() < 0.9 * r.curve()[0], "objective " + r.curve()[0] + " -> " + r.objective());
            assertTrue(r.objective() >= gd.objective() - 1e-9 * Math.abs(gd.objective()) - 0.05, "no better than GD's optimum by far");
        }
    }

    @Test
    void frozenAKeepsA() {
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(2, 81), Synthetic.LossKind.SQUARED, 0.05, 82);
        LoraSolverConfig cfg = new LoraSolverConfig(2, LoraSolverConfig.Method.GD, 1.0, 200, 1e-9, 1e-14, LoraSolverConfig.Init.LORA, 1.0, true, 8, 3);
        LoraFactors start = LoraFactors.init(p.operator(), 2, false, 1.0, 3);
        LoraResult r = LoraSolver.solve(p, cfg, start);
        for (int l = 0; l < start.targets(); l++) {
            assertTrue(TestProblems.relErr(r.point().a()[l].data, start.a()[l].data) == 0, "A changed");
        }
        assertTrue(r.objective() < r.curve()[0]);
    }

    @ParameterizedTest
    @EnumSource(value = Synthetic.LossKind.class, names = {"CE", "SQUARED"})
    void lbfgsReachesTheCertifiedOptimumInFewerIterationsThanGd(Synthetic.LossKind kind) {
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(2, 61), kind, 0.05, 62);
        ConvexResult cvx = ConvexSolver.solve(p, ConvexConfig.defaults().withGapTolerance(1e-9));
        LoraSolverConfig gdCfg = LoraSolverConfig.defaults(4);
        LoraResult lbfgs = LoraSolver.solve(p, gdCfg.withMethod(LoraSolverConfig.Method.LBFGS, 1.0));
        LoraResult gd = LoraSolver.solve(p, gdCfg);
        double rel = (lbfgs.objective() - cvx.objective()) / Math.abs(cvx.objective());
        assertTrue(Math.abs(rel) < 1e-7, kind + ": L-BFGS " + lbfgs.objective() + " vs convex " + cvx.objective());
        assertEquals(Certificate.Verdict.CERTIFIED_GLOBAL,
                Certificate.check(p, lbfgs.point(), CertificateConfig.defaults(), cvx.objective()).verdict());
        assertEquals(SolverStatus.CONVERGED, lbfgs.status());
        assertTrue(lbfgs.iterations() * 2 < gd.iterations(), kind + ": L-BFGS " + lbfgs.iterations()
                + " iterations vs GD " + gd.iterations() + " (expected at least 2x fewer; 2.3x and 2.6x when written)");
        double[] c = lbfgs.curve();
        for (int t = 1; t < c.length; t++) {
            assertTrue(c[t] <= c[t - 1], "L-BFGS objective increased at " + t + " (Armijo steps are monotone)");
        }
    }

    @Test
    void lbfgsFrozenAKeepsA() {
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(2, 81), Synthetic.LossKind.SQUARED, 0.05, 82);
        LoraSolverConfig cfg = new LoraSolverConfig(2, LoraSolverConfig.Method.LBFGS, 1.0, 200, 1e-9, 1e-14,
                LoraSolverConfig.Init.LORA, 1.0, true, 8, 3);
        LoraFactors start = LoraFactors.init(p.operator(), 2, false, 1.0, 3);
        LoraResult r = LoraSolver.solve(p, cfg, start);
        for (int l = 0; l < start.targets(); l++) {
            assertTrue(TestProblems.relErr(r.point().a()[l].data, start.a()[l].data) == 0, "A changed");
        }
        assertTrue(r.objective() < 0.9 * r.curve()[0]);
    }
}
