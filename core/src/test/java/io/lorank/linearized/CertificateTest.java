package io.lorank.linearized;

import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateTest {
    private static final CertificateConfig CFG = CertificateConfig.defaults();

    @Test
    void acceptsTheConvexOptimum() {
        ConvexSolverTest.ClosedForm cf = ConvexSolverTest.closedForm(7);
        Certificate.Result r = Certificate.check(cf.problem(), new DMatrixRMaj[] {cf.optimum()}, CFG, Double.NaN);
        assertEquals(Certificate.Verdict.CERTIFIED_GLOBAL, r.verdict());
        assertTrue(r.relativeGap() < 1e-12, "closed-form optimum: relative gap " + r.relativeGap());
        assertTrue(r.maxOpNorm() <= r.lambda() * (1 + 1e-10), "op norm " + r.maxOpNorm() + " vs lambda " + r.lambda());
        assertTrue(r.targets()[0].rangeResidual() < 1e-10, "range residual " + r.targets()[0].rangeResidual());

        // cross-entropy, factored operator: the solver's optimum is certified (matrix-free op norm)
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(3, 31), Synthetic.LossKind.CE, 0.05, 32);
        ConvexResult res = ConvexSolver.solve(p, ConvexConfig.defaults());
        Certificate.Result c2 = Certificate.check(p, res.update(), CFG, res.objective());
        assertEquals(Certificate.Verdict.CERTIFIED_GLOBAL, c2.verdict(), "gap " + c2.relativeGap() + " op " + c2.maxOpNorm());
        assertTrue(Math.abs(c2.gapToOptimum()) < 1e-9 * Math.abs(res.objective()));
    }

    @Test
    void rejectsPlantedStationaryPointAndEscapes() {
        ConvexSolverTest.ClosedForm cf = ConvexSolverTest.closedForm(7);
        LinearizedProblem p = cf.problem();
        // top-(2-1) part of the soft-thresholded SVD: stationary for rank-1 LoRA, not optimal for the convex problem
        CompactSvd svd = CompactSvd.of(cf.optimum());
        assertEquals(2, svd.rank());
        DMatrixRMaj b = new DMatrixRMaj(svd.u().numRows, 1);
        DMatrixRMaj a = new DMatrixRMaj(1, svd.v().numRows);
        double root = Math.sqrt(svd.s()[0]);
        for (int i = 0; i < b.numRows; i++) {
            b.set(i, 0, svd.u().get(i, 0) * root);
        }
        for (int j = 0; j < a.numCols; j++) {
            a.set(0, j, svd.v().get(j, 0) * root);
        }
        LoraFactors x = new LoraFactors(new DMatrixRMaj[] {b}, new DMatrixRMaj[] {a});
        double[] g = LoraSolver.gradient(p, x, LoraSolver.evaluate(p, x, null).residual());
        assertTrue(Lanczos.norm(g) < 1e-12, "planted point is LoRA-stationary: factor gradient " + Lanczos.norm(g));
        Certificate.Result r = Certificate.check(p, x, CFG, Double.NaN);
        assertEquals(Certificate.Verdict.STATIONARY_NOT_GLOBAL, r.verdict());
        assertTrue(r.maxOpNorm() > p.lambda() * 1.01, "op norm " + r.maxOpNorm() + " should exceed lambda " + p.lambda());
        Certificate.EscapeDirection e = r.escape();
        assertNotNull(e);
        assertTrue(e.slope() < 0);
        DMatrixRMaj w = x.product()[0];
        double p0 = p.convexObjective(new DMatrixRMaj[] {w});
        double eps = 1e-4;
        DMatrixRMaj moved = w.copy();
        CommonOps_DDRM.addEquals(moved, eps, e.matrix());
        double p1 = p.convexObjective(new DMatrixRMaj[] {moved});
        // decrease ≈ eps·|slope| (first order); demand at least half of it
        assertTrue(p1 < p0 - 0.5 * eps * (-e.slope()), "escape: P went " + p0 + " -> " + p1 + ", slope " + e.slope());
    }

    @Test
    void earlyStoppedIterateIsNotConverged() {
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(2, 51), Synthetic.LossKind.SQUARED, 0.05, 52);
        LoraResult early = LoraSolver.solve(p, LoraSolverConfig.defaults(4).withMaxIterations(3));
        Certificate.Result r = Certificate.check(p, early.point(), CFG, Double.NaN);
        assertEquals(Certificate.Verdict.NOT_CONVERGED, r.verdict(), "stationarity " + r.stationarity() + ", gap " + r.relativeGap());
    }
}
