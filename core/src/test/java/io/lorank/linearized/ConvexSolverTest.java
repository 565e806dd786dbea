package io.lorank.linearized;

import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.SingularValueThreshold;
import io.lorank.linearized.solvers.SolverStatus;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closed form: with an orthonormal design (𝒜*𝒜 = I, N = m·n, K = 1) and squared loss,
 * F = (1/2N)‖vec ΔW − 𝒜*(y − f0)‖², so ΔW* = SVT(𝒜*(y − f0), N·λ).
 */
class ConvexSolverTest {
    static final int M = 5;
    static final int N = 4;

    /** The orthonormal-design problem and its closed-form optimum. */
    record ClosedForm(LinearizedProblem problem, DMatrixRMaj optimum, int rank) {
    }

    static ClosedForm closedForm(long seed) {
        DenseOperator op = Synthetic.orthonormal(M, N, seed);
        Random rnd = new Random(seed + 1);
        int nn = M * N;
        double[] f0 = TestProblems.randomVector(nn, rnd);
        double[] y = TestProblems.randomVector(nn, rnd);
        double[] t = new double[nn];
        for (int j = 0; j < nn; j++) {
            t[j] = y[j] - f0[j];
        }
        DMatrixRMaj target = op.adjoint(0, t);
        double[] s = org.ejml.dense.row.SingularOps_DDRM.singularValues(target);
        java.util.Arrays.sort(s);
        double tau = 0.5 * (s[s.length - 2] + s[s.length - 3]); // keep exactly the top two
        double lambda = tau / nn;
        LinearizedProblem p = new LinearizedProblem(op, f0, new Loss.Squared(y, nn, 1), lambda);
        SingularValueThreshold.Result r = SingularValueThreshold.apply(target, tau);
        return new ClosedForm(p, r.matrix(), r.kept().length);
    }

    @Test
    void matchesSoftThresholdedSvdOfTarget() {
        ClosedForm cf = closedForm(5);
        assertEquals(2, cf.rank());
        ConvexResult res = ConvexSolver.solve(cf.problem(), ConvexConfig.defaults());
        assertEquals(SolverStatus.CONVERGED, res.status());
        double err = TestProblems.relErr(res.update()[0].data, cf.optimum().data);
        assertTrue(err < 1e-6, "relative Frobenius error to the closed form " + err + " (tol 1e-6)");
        assertEquals(2, res.ranks()[0]);
        double pStar = cf.problem().convexObjective(new DMatrixRMaj[] {cf.optimum()});
        assertEquals(pStar, res.objective(), 1e-9 * Math.abs(pStar), "objective (rel 1e-9)");
        assertTrue(res.dualityGap() <= 1e-8 * Math.abs(res.objective()), "gap " + res.dualityGap());
    }

    @Test
    void fastAndReferenceSvtReachTheSameOptimum() {
        // the convex solve on the chosen SVT path and on the EJML reference: same closed form, same objective
        ClosedForm cf = closedForm(9);
        ConvexResult fast = ConvexSolver.solve(cf.problem(), ConvexConfig.defaults(), cf.problem().zeroUpdate(), SingularValueThreshold.fastest());
        ConvexResult ref = ConvexSolver.solve(cf.problem(), ConvexConfig.defaults(), cf.problem().zeroUpdate(), SingularValueThreshold.reference());
        assertEquals(SolverStatus.CONVERGED, fast.status());
        assertEquals(SolverStatus.CONVERGED, ref.status());
        assertTrue(TestProblems.relErr(fast.update()[0].data, cf.optimum().data) < 1e-6, "fast path vs closed form");
        assertTrue(TestProblems.relErr(fast.update()[0].data, ref.update()[0].data) < 1e-6, "fast vs reference (rel 1e-6)");
        assertEquals(ref.objective(), fast.objective(), 1e-9 * Math.abs(ref.objective()), "objective (rel 1e-9)");
        // a multi-target cross-entropy problem: the two paths' objectives agree within the sum of their gaps
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(3, 43), Synthetic.LossKind.CE, 0.05, 44);
        ConvexResult f2 = ConvexSolver.solve(p, ConvexConfig.defaults(), p.zeroUpdate(), SingularValueThreshold.fastest());
        ConvexResult r2 = ConvexSolver.solve(p, ConvexConfig.defaults(), p.zeroUpdate(), SingularValueThreshold.reference());
        assertEquals(SolverStatus.CONVERGED, f2.status());
        assertTrue(Math.abs(f2.objective() - r2.objective()) <= f2.dualityGap() + r2.dualityGap() + 1e-14,
                "P(fast) " + f2.objective() + " vs P(ref) " + r2.objective() + ", gaps " + f2.dualityGap() + ", " + r2.dualityGap());
    }

    @Test
    void crossEntropyGapCertifiesObjective() {
        // no closed form: the duality gap bounds P − P*; a much tighter re-solve must agree within it
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(3, 41), Synthetic.LossKind.CE, 0.05, 42);
        ConvexResult loose = ConvexSolver.solve(p, ConvexConfig.defaults().withGapTolerance(1e-6));
        ConvexResult tight = ConvexSolver.solve(p, ConvexConfig.defaults().withGapTolerance(1e-9));
        assertEquals(SolverStatus.CONVERGED, loose.status(), "loose gap " + loose.dualityGap() + " P " + loose.objective() + " it " + loose.iterations() + " ranks " + java.util.Arrays.toString(loose.ranks()));
        assertEquals(SolverStatus.CONVERGED, tight.status(), "tight gap " + tight.dualityGap() + " P " + tight.objective());
        assertTrue(loose.objective() - tight.objective() <= loose.dualityGap() + 1e-14,
                "P(loose) − P(tight) = " + (loose.objective() - tight.objective()) + " exceeds the loose gap " + loose.dualityGap());
        assertTrue(loose.objective() >= tight.objective() - tight.dualityGap() - 1e-14);
    }
}
