package io.lorank.entk;

import io.lorank.linearized.TestProblems;
import io.lorank.linearized.FactoredOperator;
import io.lorank.linearized.LinearizedProblem;
import io.lorank.linearized.LoraFactors;
import io.lorank.linearized.Loss;
import io.lorank.linearized.MeasurementOperator;
import io.lorank.linearized.Synthetic;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libtorch operator equals the pure-Java {@link FactoredOperator} on the same factors (T_i varying) for every
 * method, to fp32 precision: |torch − java| ≤ 1e-5 · max|java| per output array (factors are stored rounded to fp32,
 * relative rounding 6e-8 summed over ≤ T·m ≈ 200 terms).
 */
class TorchFactoredOperatorTest {
    private static final double TOL = 1e-5;
    private static final int N = 6;
    private static final int K = 2;
    private static FactoredOperator java;
    private static TorchFactoredOperator torch;

    @BeforeAll
    static void build() {
        // targets 0 and 2 share a shape (stacked, batched GEMMs), target 1 is alone (per-target path)
        java = Synthetic.randomFactors(N, K, new int[] {16, 24, 16}, new int[] {20, 12, 20}, 3, 9, 7);
        torch = TorchFactoredOperator.of(java);
    }

    @AfterAll
    static void free() {
        torch.close();
    }

    private static void assertClose(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], TOL * scale, what + " entry " + j);
        }
    }

    private static DMatrixRMaj random(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int j = 0; j < m.data.length; j++) {
            m.data[j] = rnd.nextGaussian();
        }
        return m;
    }

    private static long factorBytes() {
        long s = 0;
        for (int l = 0; l < java.targets(); l++) {
            for (int i = 0; i < N; i++) {
                s += 4L * (java.inputs(l, i).getNumElements() + java.outputGradients(l, i).getNumElements());
            }
        }
        return s;
    }

    @Test
    void shapesAndBytes() {
        assertEquals(N, torch.examples());
        assertEquals(K, torch.outputs());
        for (int l = 0; l < java.targets(); l++) {
            assertEquals(java.rows(l), torch.rows(l));
            assertEquals(java.cols(l), torch.cols(l));
        }
        assertEquals(factorBytes(), torch.storedBytes(), "fp32 X [ΣT, n] and D [K, ΣT, m] per target");
    }

    @Test
    void applyAndLowRankEqualJava() {
        Random rnd = new Random(1);
        DMatrixRMaj[] w = TestProblems.randomUpdate(java, rnd);
        assertClose(java.apply(w), torch.apply(w), "apply");
        LoraFactors x = LoraFactors.init(java, 3, true, 1.0, 2);
        assertClose(java.applyLowRank(x.b(), x.a()), torch.applyLowRank(x.b(), x.a()), "applyLowRank");
        int[] subset = {4, 1, 3};
        double[] sub = torch.applyLowRank(x.b(), x.a(), subset);
        assertClose(java.applyLowRank(x.b(), x.a(), subset), sub, "applyLowRank on a subset");
        assertEquals(0.0, sub[0], 0.0, "rows outside the subset are 0");
        assertEquals(0.0, sub[5 * K + 1], 0.0, "rows outside the subset are 0");
    }

    @Test
    void adjointsEqualJava() {
        Random rnd = new Random(3);
        double[] c = TestProblems.randomVector(N * K, rnd);
        c[2 * K] = 0;
        c[2 * K + 1] = 0; // a skipped (all-zero) example row
        for (int l = 0; l < java.targets(); l++) {
            assertClose(java.adjoint(l, c).data, torch.adjoint(l, c).data, "adjoint " + l);
            DMatrixRMaj v = random(java.cols(l), 2, rnd);
            DMatrixRMaj u = random(java.rows(l), 3, rnd);
            DMatrixRMaj tv = torch.adjointTimes(l, c, v);
            assertEquals(java.rows(l), tv.numRows);
            assertEquals(2, tv.numCols);
            assertClose(java.adjointTimes(l, c, v).data, tv.data, "adjointTimes " + l);
            DMatrixRMaj tu = torch.adjointTransposeTimes(l, c, u);
            assertEquals(java.cols(l), tu.numRows);
            assertClose(java.adjointTransposeTimes(l, c, u).data, tu.data, "adjointTransposeTimes " + l);
        }
    }

    @Test
    void adjointLowRankAndTheLowRankPointEqualJava() {
        Random rnd = new Random(4);
        LoraFactors x = LoraFactors.init(java, 3, true, 1.0, 5);
        LoraFactors y = LoraFactors.init(java, 3, true, 1.0, 6);
        int nt = java.targets();
        // per target (unbatched), all targets (batched by group), and one point asked with two different c
        for (LoraFactors at : new LoraFactors[] {x, y}) {
            try (io.lorank.linearized.LowRankPoint point = torch.at(at.b(), at.a())) {
                assertClose(java.applyLowRank(at.b(), at.a()), point.outputs(), "outputs at the point");
                for (int trial = 0; trial < 2; trial++) {
                    double[] c = TestProblems.randomVector(N * K, rnd);
                    DMatrixRMaj[] pb = new DMatrixRMaj[nt];
                    DMatrixRMaj[] pa = new DMatrixRMaj[nt];
                    DMatrixRMaj[] allB = new DMatrixRMaj[nt];
                    DMatrixRMaj[] allA = new DMatrixRMaj[nt];
                    for (int l = 0; l < nt; l++) {
                        pb[l] = new DMatrixRMaj(1, 1);
                        pa[l] = new DMatrixRMaj(1, 1);
                        allB[l] = new DMatrixRMaj(1, 1);
                        allA[l] = new DMatrixRMaj(1, 1);
                    }
                    point.gradients(c, pb, pa);
                    torch.adjointLowRankAll(c, at.b(), at.a(), allB, allA);
                    for (int l = 0; l < nt; l++) {
                        DMatrixRMaj jb = new DMatrixRMaj(1, 1);
                        DMatrixRMaj ja = new DMatrixRMaj(1, 1);
                        DMatrixRMaj tb = new DMatrixRMaj(1, 1);
                        DMatrixRMaj ta = new DMatrixRMaj(1, 1);
                        java.adjointLowRank(l, c, at.b()[l], at.a()[l], jb, ja);
                        torch.adjointLowRank(l, c, at.b()[l], at.a()[l], tb, ta);
                        assertEquals(java.rows(l), tb.numRows);
                        assertEquals(3, tb.numCols);
                        assertEquals(3, ta.numRows);
                        assertEquals(java.cols(l), ta.numCols);
                        assertClose(jb.data, tb.data, "gB " + l);
                        assertClose(ja.data, ta.data, "gA " + l);
                        assertClose(jb.data, pb[l].data, "gB at the point " + l);
                        assertClose(ja.data, pa[l].data, "gA at the point " + l);
                        assertClose(jb.data, allB[l].data, "gB all " + l);
                        assertClose(ja.data, allA[l].data, "gA all " + l);
                        // and against the formed adjoint: gB = 𝒜*(c) Aᵀ
                        DMatrixRMaj g = java.adjoint(l, c);
                        assertClose(CommonOps_DDRM.multTransB(g, at.a()[l], null).data, tb.data, "gB vs formed adjoint " + l);
                    }
                }
            }
        }
    }

    @Test
    void adjointIdentity() {
        TestProblems.assertAdjointIdentity(torch, 8, 1e-5); // fp32 operator: 1e-5 relative to the sum of |terms|
    }

    @Test
    void loraGradientDescentReachesTheSameObjective() {
        Random rnd = new Random(9);
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = rnd.nextInt(K);
        }
        double[] f0 = TestProblems.randomVector(N * K, rnd);
        LoraSolverConfig cfg = LoraSolverConfig.defaults(2).withMaxIterations(200);
        LoraResult rj = LoraSolver.solve(new LinearizedProblem(java, f0, new Loss.SoftmaxCrossEntropy(y, K), 0.05), cfg);
        LoraResult rt = LoraSolver.solve(new LinearizedProblem(torch, f0, new Loss.SoftmaxCrossEntropy(y, K), 0.05), cfg);
        assertTrue(rj.objective() < 0.95 * rj.curve()[0], "the solve makes progress: " + rj.curve()[0] + " -> " + rj.objective());
        assertEquals(rj.objective(), rt.objective(), 1e-5 * Math.abs(rj.objective()), "final objective, fp32 vs fp64 factors");
    }

    @Test
    void certificateAgreesWithJava() {
        Random rnd = new Random(11);
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = rnd.nextInt(K);
        }
        double[] f0 = TestProblems.randomVector(N * K, rnd);
        LinearizedProblem pj = new LinearizedProblem(java, f0, new Loss.SoftmaxCrossEntropy(y, K), 0.05);
        LinearizedProblem pt = new LinearizedProblem(torch, f0, new Loss.SoftmaxCrossEntropy(y, K), 0.05);
        LoraFactors x = LoraSolver.solve(pj, LoraSolverConfig.defaults(2).withMaxIterations(100)).point();
        io.lorank.linearized.Certificate.Result cj = io.lorank.linearized.Certificate.check(pj, x,
                io.lorank.linearized.CertificateConfig.defaults(), Double.NaN);
        io.lorank.linearized.Certificate.Result ct = io.lorank.linearized.Certificate.check(pt, x,
                io.lorank.linearized.CertificateConfig.defaults(), Double.NaN);
        // matrix-free top singular values (adjointTimes / adjointTransposeTimes) and the factor gradient, fp32 factors
        assertEquals(cj.maxOpNorm(), ct.maxOpNorm(), 1e-5 * cj.maxOpNorm(), "max ‖∇F‖_op");
        assertEquals(cj.factorGradientNorm(), ct.factorGradientNorm(), 1e-4 * cj.factorGradientNorm() + 1e-7, "factor gradient norm");
        assertEquals(cj.objective(), ct.objective(), 1e-6 * Math.abs(cj.objective()), "objective");
    }

    @Test
    void nothingLeaksAcrossCalls() {
        Random rnd = new Random(12);
        LoraFactors x = LoraFactors.init(java, 3, true, 1.0, 13);
        double[] c = TestProblems.randomVector(N * K, rnd);
        DMatrixRMaj[] w = TestProblems.randomUpdate(java, rnd);
        Runnable round = () -> {
            torch.apply(w);
            torch.applyLowRank(x.b(), x.a());
            torch.applyLowRank(x.b(), x.a(), new int[] {0, 2});
            try (io.lorank.linearized.LowRankPoint p = torch.at(x.b(), x.a())) {
                p.gradients(c, new DMatrixRMaj[] {new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1)},
                        new DMatrixRMaj[] {new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1)});
            }
            for (int l = 0; l < torch.targets(); l++) {
                torch.adjointLowRank(l, c, x.b()[l], x.a()[l], new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1));
                torch.adjoint(l, c);
                torch.adjointTimes(l, c, random(torch.cols(l), 2, rnd));
                torch.adjointTransposeTimes(l, c, random(torch.rows(l), 2, rnd));
            }
        };
        round.run();
        int live = torch.liveArrays();
        for (int i = 0; i < 3; i++) {
            round.run();
        }
        assertEquals(live, torch.liveArrays(), "native arrays held by the operator after 3 more rounds of every method");
    }

    @Test
    void fromStackedArraysEqualsFromFactors() {
        Random rnd = new Random(10);
        try (ai.djl.ndarray.NDManager m = io.lorank.engine.Engines.newManager()) {
            int[] tokens = new int[N];
            int total = 0;
            for (int i = 0; i < N; i++) {
                tokens[i] = java.inputs(0, i).numRows;
                total += tokens[i];
            }
            ai.djl.ndarray.NDArray[] xs = new ai.djl.ndarray.NDArray[java.targets()];
            ai.djl.ndarray.NDArray[] ds = new ai.djl.ndarray.NDArray[java.targets()];
            for (int l = 0; l < java.targets(); l++) {
                double[] xd = new double[total * java.cols(l)];
                double[] dd = new double[K * total * java.rows(l)];
                int t0 = 0;
                for (int i = 0; i < N; i++) {
                    DMatrixRMaj xi = java.inputs(l, i);
                    DMatrixRMaj di = java.outputGradients(l, i);
                    System.arraycopy(xi.data, 0, xd, t0 * java.cols(l), xi.data.length);
                    for (int k = 0; k < K; k++) {
                        System.arraycopy(di.data, k * tokens[i] * java.rows(l), dd, (k * total + t0) * java.rows(l), tokens[i] * java.rows(l));
                    }
                    t0 += tokens[i];
                }
                xs[l] = m.create(xd, new ai.djl.ndarray.types.Shape(total, java.cols(l))); // fp64 in: converted to fp32
                ds[l] = m.create(dd, new ai.djl.ndarray.types.Shape(K, total, java.rows(l)));
            }
            try (TorchFactoredOperator op = TorchFactoredOperator.of(N, K, tokens, xs, ds)) {
                DMatrixRMaj[] w = TestProblems.randomUpdate(java, rnd);
                assertClose(java.apply(w), op.apply(w), "apply, operator built from stacked NDArrays");
                assertEquals(factorBytes(), op.storedBytes());
            }
        }
    }
}
