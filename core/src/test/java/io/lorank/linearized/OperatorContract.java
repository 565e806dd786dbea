package io.lorank.linearized;

import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.SingularValueThreshold;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every measurement operator must do, checked against the dense operator (G formed explicitly) built from the
 * same factors: every method equal to fp64 rounding (relative error ≤ {@value #TOL} in the 2-norm over the whole
 * result), the adjoint identity, the all-target calls equal to the per-target ones, and a convex solve that reaches the
 * dense operator's objective. Each operator family is a few-line subclass.
 */
abstract class OperatorContract {
    static final double TOL = 1e-10;

    /** The operator under test on the reference's factors (two targets, N = 4, K = 2, T_i in [2, 5]). */
    abstract MeasurementOperator make(FactoredOperator reference);

    private final FactoredOperator reference = TestProblems.factored(2, 311);
    private final DenseOperator dense = reference.toDense();
    private final MeasurementOperator op = make(reference);

    @Test
    void applyEqualsDense() {
        DMatrixRMaj[] w = TestProblems.randomUpdate(op, new Random(1));
        assertTrue(TestProblems.relErr(op.apply(w), dense.apply(w)) < TOL, "apply");
    }

    @Test
    void applyLowRankEqualsDenseOnAllAndOnASubset() {
        LoraFactors x = LoraFactors.init(op, 3, true, 1.0, 2);
        double[] want = dense.apply(x.product());
        assertTrue(TestProblems.relErr(op.applyLowRank(x.b(), x.a()), want) < TOL, "applyLowRank vs dense apply(BA)");
        double[] sub = op.applyLowRank(x.b(), x.a(), new int[] {0, 2});
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 2; k++) {
                double w = (i == 0 || i == 2) ? want[i * 2 + k] : 0;
                assertEquals(w, sub[i * 2 + k], 1e-10 * (1 + Math.abs(w)), "subset row " + i + " output " + k);
            }
        }
    }

    @Test
    void adjointsEqualDense() {
        Random rnd = new Random(3);
        double[] c = TestProblems.randomVector(8, rnd);
        c[2] = 0; // a zero row (example 1) must be handled like any other
        c[3] = 0;
        DMatrixRMaj[] all = op.adjointAll(c);
        for (int l = 0; l < op.targets(); l++) {
            DMatrixRMaj gd = dense.adjoint(l, c);
            assertTrue(TestProblems.relErr(op.adjoint(l, c).data, gd.data) < TOL, "adjoint target " + l);
            assertTrue(TestProblems.relErr(all[l].data, gd.data) < TOL, "adjointAll target " + l);
            DMatrixRMaj v = new DMatrixRMaj(op.cols(l), 2);
            DMatrixRMaj u = new DMatrixRMaj(op.rows(l), 3);
            v.data = TestProblems.randomVector(v.data.length, rnd);
            u.data = TestProblems.randomVector(u.data.length, rnd);
            assertTrue(TestProblems.relErr(op.adjointTimes(l, c, v).data, CommonOps_DDRM.mult(gd, v, null).data) < TOL,
                    "adjointTimes target " + l);
            assertTrue(TestProblems.relErr(op.adjointTransposeTimes(l, c, u).data,
                    CommonOps_DDRM.multTransA(gd, u, null).data) < TOL, "adjointTransposeTimes target " + l);
        }
    }

    @Test
    void loraGradientsEqualDensePerTargetAndAll() {
        double[] c = TestProblems.randomVector(8, new Random(4));
        LoraFactors x = LoraFactors.init(op, 2, true, 1.0, 5);
        int nt = op.targets();
        DMatrixRMaj[] gB = new DMatrixRMaj[nt];
        DMatrixRMaj[] gA = new DMatrixRMaj[nt];
        for (int l = 0; l < nt; l++) {
            gB[l] = new DMatrixRMaj(1, 1);
            gA[l] = new DMatrixRMaj(1, 1);
        }
        op.adjointLowRankAll(c, x.b(), x.a(), gB, gA);
        for (int l = 0; l < nt; l++) {
            DMatrixRMaj gd = dense.adjoint(l, c);
            DMatrixRMaj wantB = CommonOps_DDRM.multTransB(gd, x.a()[l], null);
            DMatrixRMaj wantA = CommonOps_DDRM.multTransA(x.b()[l], gd, null);
            assertTrue(TestProblems.relErr(gB[l].data, wantB.data) < TOL, "gB (all) target " + l);
            assertTrue(TestProblems.relErr(gA[l].data, wantA.data) < TOL, "gA (all) target " + l);
            DMatrixRMaj b1 = new DMatrixRMaj(1, 1);
            DMatrixRMaj a1 = new DMatrixRMaj(1, 1);
            op.adjointLowRank(l, c, x.b()[l], x.a()[l], b1, a1);
            assertEquals(wantB.numRows, b1.numRows);
            assertEquals(wantA.numCols, a1.numCols);
            assertTrue(TestProblems.relErr(b1.data, wantB.data) < TOL, "gB target " + l);
            assertTrue(TestProblems.relErr(a1.data, wantA.data) < TOL, "gA target " + l);
        }
    }

    @Test
    void lowRankPointEqualsDenseOutputsAndGradientsForSeveralResiduals() {
        LoraFactors x = LoraFactors.init(op, 3, true, 1.0, 7);
        int nt = op.targets();
        try (LowRankPoint at = op.at(x.b(), x.a())) {
            assertTrue(TestProblems.relErr(at.outputs(), dense.apply(x.product())) < TOL, "outputs at (B, A)");
            Random rnd = new Random(8);
            for (int trial = 0; trial < 2; trial++) {        // one point, several c: nothing may be consumed
                double[] c = TestProblems.randomVector(8, rnd);
                if (trial == 1) {
                    c[4] = 0;                                 // example 2's row is zero
                    c[5] = 0;
                }
                DMatrixRMaj[] gB = new DMatrixRMaj[nt];
                DMatrixRMaj[] gA = new DMatrixRMaj[nt];
                for (int l = 0; l < nt; l++) {
                    gB[l] = new DMatrixRMaj(1, 1);
                    gA[l] = new DMatrixRMaj(1, 1);
                }
                at.gradients(c, gB, gA);
                for (int l = 0; l < nt; l++) {
                    DMatrixRMaj gd = dense.adjoint(l, c);
                    assertTrue(TestProblems.relErr(gB[l].data, CommonOps_DDRM.multTransB(gd, x.a()[l], null).data) < TOL,
                            "gB at the point, trial " + trial + " target " + l);
                    assertTrue(TestProblems.relErr(gA[l].data, CommonOps_DDRM.multTransA(x.b()[l], gd, null).data) < TOL,
                            "gA at the point, trial " + trial + " target " + l);
                }
            }
        }
    }

    @Test
    void adjointIdentity() {
        TestProblems.assertAdjointIdentity(op, 6, TOL);
    }

    @Test
    void convexSolveReachesTheDenseOptimum() {
        LinearizedProblem pd = TestProblems.problem(dense, Synthetic.LossKind.CE, 0.02, 7);
        LinearizedProblem po = new LinearizedProblem(op, pd.f0(), pd.loss(), pd.lambda());
        ConvexConfig cfg = ConvexConfig.defaults().withMaxIterations(3000).withGapTolerance(1e-9);
        ConvexResult rd = ConvexSolver.solve(pd, cfg, pd.zeroUpdate(), SingularValueThreshold.reference());
        ConvexResult ro = ConvexSolver.solve(po, cfg);
        // both certified to a relative gap of 1e-9, so their objectives agree to about that
        assertEquals(rd.objective(), ro.objective(), 1e-7 * Math.abs(rd.objective()), "convex optimum, dense vs " + op.getClass().getSimpleName());
    }

    /** The reference's factors in the {@link GradientFactors} layout (fp32: the reference's values must be floats). */
    static GradientFactors asGradientFactors(FactoredOperator f) {
        int nt = f.targets();
        int nn = f.examples();
        int kk = f.outputs();
        int[] off = new int[nn + 1];
        for (int i = 0; i < nn; i++) {
            off[i + 1] = off[i] + f.inputs(0, i).numRows;
        }
        int total = off[nn];
        float[][] xs = new float[nt][];
        float[][] ds = new float[nt][];
        List<LinearTarget> targets = new java.util.ArrayList<>();
        for (int l = 0; l < nt; l++) {
            int m = f.rows(l);
            int n = f.cols(l);
            targets.add(new LinearTarget("encoder.layer.0.t" + l, m, n));
            xs[l] = new float[total * n];
            ds[l] = new float[kk * total * m];
            for (int i = 0; i < nn; i++) {
                int t = off[i + 1] - off[i];
                for (int j = 0; j < t * n; j++) {
                    xs[l][off[i] * n + j] = (float) f.inputs(l, i).data[j];
                }
                for (int k = 0; k < kk; k++) {
                    for (int j = 0; j < t * m; j++) {
                        ds[l][(k * total + off[i]) * m + j] = (float) f.outputGradients(l, i).data[k * t * m + j];
                    }
                }
            }
        }
        return new GradientFactors(targets, kk, off, xs, ds);
    }
}
