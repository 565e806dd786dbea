package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adjoint identity (dense and factored) and factored = dense for every operation. */
class MeasurementOperatorTest {
    private static final double TOL = 1e-10; // relative, fp64

    private static void assertAdjoint(MeasurementOperator op, long seed) {
        TestProblems.assertAdjointIdentity(op, seed, TOL);
    }

    @Test
    void adjointIdentityDenseAndFactored() {
        FactoredOperator f = TestProblems.factored(3, 1);
        assertAdjoint(f, 2);
        assertAdjoint(f.toDense(), 3);
        assertAdjoint(Synthetic.gaussian(3, 2, new int[] {4}, new int[] {7}, 5), 4);
    }

    @Test
    void factoredEqualsDense() {
        FactoredOperator f = TestProblems.factored(2, 11);
        DenseOperator d = f.toDense();
        Random rnd = new Random(12);
        DMatrixRMaj[] w = TestProblems.randomUpdate(f, rnd);
        assertTrue(TestProblems.relErr(f.apply(w), d.apply(w)) < TOL, "apply");
        LoraFactors x = LoraFactors.init(f, 3, true, 1.0, 13);
        double[] viaProduct = d.apply(x.product());
        assertTrue(TestProblems.relErr(f.applyLowRank(x.b(), x.a()), viaProduct) < TOL, "factored applyLowRank vs apply(BA)");
        assertTrue(TestProblems.relErr(d.applyLowRank(x.b(), x.a()), viaProduct) < TOL, "dense applyLowRank vs apply(BA)");
        int[] subset = {1, 3};
        double[] sub = f.applyLowRank(x.b(), x.a(), subset);
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 2; k++) {
                double want = (i == 1 || i == 3) ? viaProduct[i * 2 + k] : 0;
                assertEquals(want, sub[i * 2 + k], 1e-10 * (1 + Math.abs(want)), "subset apply row " + i);
            }
        }
        double[] c = TestProblems.randomVector(8, rnd);
        for (int l = 0; l < f.targets(); l++) {
            DMatrixRMaj gd = d.adjoint(l, c);
            assertTrue(TestProblems.relErr(f.adjoint(l, c).data, gd.data) < TOL, "adjoint target " + l);
            DMatrixRMaj v = new DMatrixRMaj(f.cols(l), 2);
            DMatrixRMaj u = new DMatrixRMaj(f.rows(l), 3);
            v.data = TestProblems.randomVector(v.data.length, rnd);
            u.data = TestProblems.randomVector(u.data.length, rnd);
            DMatrixRMaj gv = CommonOps_DDRM.mult(gd, v, null);
            DMatrixRMaj gtu = CommonOps_DDRM.multTransA(gd, u, null);
            assertTrue(TestProblems.relErr(f.adjointTimes(l, c, v).data, gv.data) < TOL, "adjointTimes factored");
            assertTrue(TestProblems.relErr(d.adjointTimes(l, c, v).data, gv.data) < TOL, "adjointTimes dense");
            assertTrue(TestProblems.relErr(f.adjointTransposeTimes(l, c, u).data, gtu.data) < TOL, "adjointTransposeTimes");
            DMatrixRMaj gB = new DMatrixRMaj(1, 1);
            DMatrixRMaj gA = new DMatrixRMaj(1, 1);
            f.adjointLowRank(l, c, x.b()[l], x.a()[l], gB, gA);
            assertTrue(TestProblems.relErr(gB.data, CommonOps_DDRM.multTransB(gd, x.a()[l], null).data) < TOL, "gB");
            assertTrue(TestProblems.relErr(gA.data, CommonOps_DDRM.multTransA(x.b()[l], gd, null).data) < TOL, "gA");
        }
    }

    @Test
    void floatStorageMatchesDoubleToFloatPrecision() {
        DenseOperator d = Synthetic.gaussian(3, 2, new int[] {4}, new int[] {5}, 9);
        float[] g = new float[3 * 2 * 20];
        double[] gd = new double[g.length];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 2; k++) {
                DMatrixRMaj gi = d.gradient(i, k, 0);
                for (int q = 0; q < 20; q++) {
                    g[(i * 2 + k) * 20 + q] = (float) gi.data[q];
                    gd[(i * 2 + k) * 20 + q] = (float) gi.data[q];
                }
            }
        }
        DenseOperator f = DenseOperator.ofFloat(3, 2, new int[] {4}, new int[] {5}, new float[][] {g});
        DenseOperator dd = DenseOperator.ofDouble(3, 2, new int[] {4}, new int[] {5}, new double[][] {gd});
        DMatrixRMaj[] w = TestProblems.randomUpdate(f, new Random(3));
        // same float-rounded values stored: products agree to fp64 accumulation error
        assertTrue(TestProblems.relErr(f.apply(w), dd.apply(w)) < 1e-12, "float vs double storage of the same values");
        assertEquals(4L * g.length, f.storedBytes());
    }
}
