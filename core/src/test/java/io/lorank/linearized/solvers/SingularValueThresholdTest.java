package io.lorank.linearized.solvers;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast SVT (LAPACK dgesdd) against the EJML reference. Both SVDs are backward stable and SVT is 1-Lipschitz in
 * Frobenius norm, so the two results may differ by O(ε‖Z‖): asserted ≤ 1e-11·‖Z‖_F for the matrices and
 * ≤ 1e-11·σ_1 for the kept values, with the same number kept (no test value lies within 1e-6·τ of τ).
 */
public class SingularValueThresholdTest {
    static final double TOL = 1e-11;

    private static final SingularValueThreshold FAST = LapackSvt.load();
    private static final SingularValueThreshold REF = SingularValueThreshold.reference();

    @Test
    void fastPathIsChosenOnLinuxX86() {
        boolean linuxX86 = System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        if (linuxX86 && System.getProperty("lorank.svt") == null) {
            assertTrue(SingularValueThreshold.fastest() instanceof PartialSvt, "fastest() = " + SingularValueThreshold.fastest().name());
        }
    }

    @Test
    void randomSquareTallAndWideMatchReference() {
        Random rnd = new Random(11);
        int[][] shapes = {{384, 384}, {60, 23}, {23, 60}, {1, 7}, {7, 1}};
        for (int[] sh : shapes) {
            DMatrixRMaj z = RandomMatrices_DDRM.rectangle(sh[0], sh[1], -1, 1, rnd);
            double[] s = sortedDesc(SingularOps_DDRM.singularValues(z));
            int k = s.length / 2; // keep the top half: τ midway between σ_k and σ_(k+1)
            double tau = s.length > 1 ? 0.5 * (s[k - 1] + s[k]) : 0.5 * s[0];
            compare(z, tau, sh[0] + "x" + sh[1]);
        }
    }

    @Test
    void rankDeficientKeepsExactlyTheRank() {
        Random rnd = new Random(12);
        DMatrixRMaj b = RandomMatrices_DDRM.rectangle(70, 5, -1, 1, rnd);
        DMatrixRMaj a = RandomMatrices_DDRM.rectangle(5, 50, -1, 1, rnd);
        DMatrixRMaj z = CommonOps_DDRM.mult(b, a, null);
        SingularValueThreshold.Result r = compare(z, 1e-6, "rank 5, 70x50");
        assertEquals(5, r.kept().length, "kept " + Arrays.toString(r.kept()));
        // τ → 0 reconstructs Z (the zero singular values contribute nothing)
        SingularValueThreshold.Result all = FAST.threshold(z, 0);
        assertTrue(relDiff(all.matrix(), z) < TOL, "SVT_0(Z) vs Z: " + relDiff(all.matrix(), z));
    }

    @Test
    void nearThresholdValuesSplitAsPlanted() {
        // Z = U diag(σ) Vᵀ with σ straddling τ by ±1e-6 relative, and two equal values above it
        Random rnd = new Random(13);
        int m = 40;
        int n = 30;
        double tau = 1.0;
        double[] sigma = new double[n];
        for (int j = 0; j < n; j++) {
            sigma[j] = 0.5 * rnd.nextDouble();
        }
        sigma[0] = 10;
        sigma[1] = 3;
        sigma[2] = 3;
        sigma[3] = tau * (1 + 1e-6);
        sigma[4] = tau * (1 - 1e-6);
        DMatrixRMaj z = planted(m, n, sigma, rnd);
        SingularValueThreshold.Result r = compare(z, tau, "near threshold");
        assertEquals(4, r.kept().length, "kept " + Arrays.toString(r.kept()));
        assertArrayEquals(new double[] {9, 2, 2, 1e-6}, r.kept(), 1e-12, "kept = σ − τ");
    }

    @Test
    void thresholdAboveTopGivesZeroAndBatchEqualsSingle() {
        Random rnd = new Random(14);
        DMatrixRMaj z = RandomMatrices_DDRM.rectangle(20, 15, -1, 1, rnd);
        double top = sortedDesc(SingularOps_DDRM.singularValues(z))[0];
        SingularValueThreshold.Result none = FAST.threshold(z, top * 1.0001);
        assertEquals(0, none.kept().length);
        assertEquals(0, NormOps_DDRM.normF(none.matrix()), 0);
        DMatrixRMaj[] zs = new DMatrixRMaj[5];
        for (int l = 0; l < zs.length; l++) {
            zs[l] = RandomMatrices_DDRM.rectangle(30, 25, -1, 1, rnd);
        }
        DMatrixRMaj copy0 = zs[0].copy();
        SingularValueThreshold.Result[] batch = FAST.thresholdAll(zs, 0.8);
        SingularValueThreshold.Result[] again = FAST.thresholdAll(zs, 0.8);
        for (int l = 0; l < zs.length; l++) {
            SingularValueThreshold.Result one = FAST.threshold(zs[l], 0.8);
            // bitwise: single-threaded BLAS per target, so the thread that ran it does not matter
            assertArrayEquals(one.matrix().data, batch[l].matrix().data, 0, "target " + l + " batch vs single");
            assertArrayEquals(batch[l].matrix().data, again[l].matrix().data, 0, "target " + l + " run to run");
            assertArrayEquals(one.kept(), batch[l].kept(), 0);
        }
        assertArrayEquals(copy0.data, zs[0].data, 0, "input not modified");
    }

    @Test
    void singularValuesMatchReference() {
        Random rnd = new Random(16);
        DMatrixRMaj[] zs = {RandomMatrices_DDRM.rectangle(384, 384, -1, 1, rnd), RandomMatrices_DDRM.rectangle(50, 20, -1, 1, rnd),
                RandomMatrices_DDRM.rectangle(20, 50, -1, 1, rnd),
                CommonOps_DDRM.mult(RandomMatrices_DDRM.rectangle(30, 3, -1, 1, rnd), RandomMatrices_DDRM.rectangle(3, 25, -1, 1, rnd), null)};
        double[][] fast = FAST.singularValuesAll(zs);
        for (int l = 0; l < zs.length; l++) {
            double[] ref = REF.singularValues(zs[l]);
            assertEquals(ref.length, fast[l].length);
            for (int j = 0; j < ref.length; j++) {
                assertEquals(ref[j], fast[l][j], TOL * ref[0], "matrix " + l + ", σ_" + j);
                if (j > 0) {
                    assertTrue(fast[l][j] <= fast[l][j - 1] && ref[j] <= ref[j - 1], "descending");
                }
            }
        }
    }

    @Test
    void nonFiniteInputIsRejected() {
        DMatrixRMaj z = new DMatrixRMaj(3, 3);
        z.set(1, 2, Double.NaN);
        assertThrows(IllegalStateException.class, () -> FAST.threshold(z, 0.1));
    }

    /** Fast vs reference on z at τ; returns the fast result. */
    private static SingularValueThreshold.Result compare(DMatrixRMaj z, double tau, String what) {
        SingularValueThreshold.Result f = FAST.threshold(z, tau);
        SingularValueThreshold.Result r = REF.threshold(z, tau);
        assertEquals(r.kept().length, f.kept().length, what + ": kept " + Arrays.toString(f.kept()) + " vs " + Arrays.toString(r.kept()));
        double top = sortedDesc(SingularOps_DDRM.singularValues(z))[0];
        for (int j = 0; j < r.kept().length; j++) {
            assertEquals(r.kept()[j], f.kept()[j], TOL * top, what + ": kept value " + j);
            if (j > 0) {
                assertTrue(f.kept()[j] <= f.kept()[j - 1], what + ": kept values not descending");
            }
        }
        double diff = Math.sqrt(sq(f.matrix(), r.matrix()));
        double scale = NormOps_DDRM.normF(z);
        assertTrue(diff <= TOL * scale, what + ": ‖SVT_fast − SVT_ref‖_F = " + diff + " > " + TOL + "·‖Z‖_F = " + TOL * scale);
        return f;
    }

    /** U diag(σ) Vᵀ with random orthonormal U (m × n) and V (n × n); needs m ≥ n. */
    public static DMatrixRMaj planted(int m, int n, double[] sigma, Random rnd) {
        DMatrixRMaj u = RandomMatrices_DDRM.orthogonal(m, n, rnd);
        DMatrixRMaj v = RandomMatrices_DDRM.orthogonal(n, n, rnd);
        DMatrixRMaj us = u.copy();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                us.set(i, j, u.get(i, j) * sigma[j]);
            }
        }
        return CommonOps_DDRM.multTransB(us, v, null);
    }

    private static double[] sortedDesc(double[] s) {
        double[] c = s.clone();
        Arrays.sort(c);
        for (int i = 0; i < c.length / 2; i++) {
            double t = c[i];
            c[i] = c[c.length - 1 - i];
            c[c.length - 1 - i] = t;
        }
        return c;
    }

    private static double sq(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int j = 0; j < a.getNumElements(); j++) {
            double d = a.data[j] - b.data[j];
            s += d * d;
        }
        return s;
    }

    private static double relDiff(DMatrixRMaj a, DMatrixRMaj b) {
        return Math.sqrt(sq(a, b)) / NormOps_DDRM.normF(b);
    }
}
