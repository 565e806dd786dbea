package io.lorank.linearized.solvers;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The partial SVT against the EJML reference. It iterates to Ritz residuals of 1e-12·σ_1², so it is held to
 * 1e-9·‖Z‖_F on the matrix and 1e-10·σ_1 on the kept values (the full SVDs agree to 1e-11), with the same count kept.
 * The spectra are planted with a cluster just below τ (the hard case for an iterative method: a small gap) and
 * with kept ranks on both sides of the fallback limit d / 8.
 */
class PartialSvtTest {
    private static final PartialSvt PARTIAL = PartialSvt.load();
    private static final SingularValueThreshold REF = SingularValueThreshold.reference();

    @Test
    void countAboveIsTheNumberOfSingularValuesAboveTau() {
        Random rnd = new Random(21);
        double[] sigma = spectrum(40, 1.0, 5, rnd);
        DMatrixRMaj z = SingularValueThresholdTest.planted(50, 40, sigma, rnd);
        DMatrixRMaj s = CommonOps_DDRM.multTransA(z, z, null); // ZᵀZ, symmetric: row- = column-major
        for (double tau : new double[] {0.5, 0.95, 1.0 + 1e-3, 2.5, 100}) {
            long want = Arrays.stream(sigma).filter(v -> v > tau).count();
            assertEquals(want, PartialSvt.countAbove(s.data, 40, tau * tau), "τ = " + tau);
        }
    }

    @Test
    void smallKeptRankMatchesReferenceOnSquareTallAndWide() {
        Random rnd = new Random(22);
        int[][] shapes = {{384, 384}, {120, 64}, {64, 120}};
        for (int[] sh : shapes) {
            int m = Math.max(sh[0], sh[1]);
            int n = Math.min(sh[0], sh[1]);
            for (int kept : new int[] {1, 3, n / 8}) {
                double[] sigma = spectrum(n, 1.0, kept, rnd);
                DMatrixRMaj z = SingularValueThresholdTest.planted(m, n, sigma, rnd);
                if (sh[0] < sh[1]) {
                    z = CommonOps_DDRM.transpose(z, null);
                }
                SingularValueThreshold.Result r = compare(z, 1.0, null, sh[0] + "x" + sh[1] + " kept " + kept);
                assertEquals(kept, r.kept().length);
                assertTrue(r.factored(), "the partial path returns factors");
            }
        }
    }

    @Test
    void nothingAboveTauIsExactlyZeroAndLargeRanksFallBackToTheFullSvd() {
        Random rnd = new Random(23);
        DMatrixRMaj z = SingularValueThresholdTest.planted(96, 96, spectrum(96, 1.0, 0, rnd), rnd);
        SingularValueThreshold.Result none = PARTIAL.threshold(z, 1.0);
        assertEquals(0, none.kept().length);
        assertEquals(0, NormOps_DDRM.normF(none.matrix()), 0);
        DMatrixRMaj wide = RandomMatrices_DDRM.rectangle(60, 80, -1, 1, rnd); // τ = 0.1 keeps nearly all 60
        SingularValueThreshold.Result viaFull = PARTIAL.threshold(wide, 0.1);
        SingularValueThreshold.Result full = LapackSvt.load().threshold(wide, 0.1);
        assertArrayEquals(full.matrix().data, viaFull.matrix().data, 0, "above d/8 kept: the full dgesdd, bitwise");
        assertArrayEquals(full.kept(), viaFull.kept(), 0);
    }

    @Test
    void warmStartFromThePreviousResultGivesTheSameAnswer() {
        Random rnd = new Random(24);
        double[] sigma = spectrum(200, 1.0, 6, rnd);
        DMatrixRMaj z = SingularValueThresholdTest.planted(200, 200, sigma, rnd);
        SingularValueThreshold.Result cold = PARTIAL.threshold(z, 1.0);
        DMatrixRMaj moved = z.copy(); // the next iterate: a small move
        DMatrixRMaj noise = RandomMatrices_DDRM.rectangle(200, 200, -1e-3, 1e-3, rnd);
        CommonOps_DDRM.addEquals(moved, noise);
        SingularValueThreshold.Result warm = compare(moved, 1.0, cold, "warm start");
        assertEquals(6, warm.kept().length);
        // a hint of another shape is ignored, not an error
        SingularValueThreshold.Result other = PARTIAL.threshold(RandomMatrices_DDRM.rectangle(10, 10, -1, 1, rnd), 0.1);
        compare(moved, 1.0, other, "hint of another shape");
        // the batch call takes per-target hints
        SingularValueThreshold.Result[] batch = PARTIAL.thresholdAll(new DMatrixRMaj[] {moved, z}, 1.0,
                new SingularValueThreshold.Result[] {cold, null});
        assertArrayEquals(PARTIAL.threshold(moved, 1.0, cold).matrix().data, batch[0].matrix().data, 0, "batch = single, same hint");
        assertArrayEquals(cold.matrix().data, batch[1].matrix().data, 0, "no hint = cold, bitwise (fixed random start)");
    }

    @Test
    void rankDeficientInputFallsBackCorrectly() {
        Random rnd = new Random(25);
        DMatrixRMaj b = RandomMatrices_DDRM.rectangle(70, 3, -1, 1, rnd);
        DMatrixRMaj a = RandomMatrices_DDRM.rectangle(3, 50, -1, 1, rnd);
        SingularValueThreshold.Result r = compare(CommonOps_DDRM.mult(b, a, null), 1e-6, null, "rank 3, 70x50");
        assertEquals(3, r.kept().length);
    }

    @Test
    void inputIsNotModifiedAndNonFiniteIsRejected() {
        Random rnd = new Random(26);
        DMatrixRMaj z = SingularValueThresholdTest.planted(64, 64, spectrum(64, 1.0, 2, rnd), rnd);
        DMatrixRMaj copy = z.copy();
        PARTIAL.threshold(z, 1.0);
        assertArrayEquals(copy.data, z.data, 0);
        z.set(3, 4, Double.POSITIVE_INFINITY);
        assertThrows(IllegalStateException.class, () -> PARTIAL.threshold(z, 1.0));
        assertFalse(PARTIAL.name().isEmpty());
        assertNull(PARTIAL.threshold(copy, 1e9).left(), "nothing kept: no factors");
    }

    /**
     * n singular values: {@code kept} of them in [1.5τ, 4τ] (one pair equal), the rest a cluster in [0.9τ, 0.999τ]
     * and a tail below 0.5τ, in random order of magnitude within each group.
     */
    private static double[] spectrum(int n, double tau, int kept, Random rnd) {
        double[] s = new double[n];
        for (int j = 0; j < n; j++) {
            if (j < kept) {
                s[j] = tau * (1.5 + 2.5 * rnd.nextDouble());
            } else if (j < kept + n / 4) {
                s[j] = tau * (0.9 + 0.099 * rnd.nextDouble());
            } else {
                s[j] = 0.5 * tau * rnd.nextDouble();
            }
        }
        if (kept >= 2) {
            s[1] = s[0];
        }
        return s;
    }

    private static SingularValueThreshold.Result compare(DMatrixRMaj z, double tau, SingularValueThreshold.Result hint, String what) {
        SingularValueThreshold.Result p = PARTIAL.threshold(z, tau, hint);
        SingularValueThreshold.Result r = REF.threshold(z, tau);
        assertEquals(r.kept().length, p.kept().length, what + ": kept " + Arrays.toString(p.kept()) + " vs " + Arrays.toString(r.kept()));
        double top = REF.singularValues(z)[0];
        for (int j = 0; j < r.kept().length; j++) {
            assertEquals(r.kept()[j], p.kept()[j], 1e-10 * top, what + ": kept value " + j);
        }
        double diff = 0;
        for (int j = 0; j < z.getNumElements(); j++) {
            double d = p.matrix().data[j] - r.matrix().data[j];
            diff += d * d;
        }
        diff = Math.sqrt(diff);
        double scale = NormOps_DDRM.normF(z);
        assertTrue(diff <= 1e-9 * scale, what + ": ‖SVT_partial − SVT_ref‖_F = " + diff + " > 1e-9·‖Z‖_F");
        if (p.factored()) {
            DMatrixRMaj lr = CommonOps_DDRM.mult(p.left(), p.right(), null);
            for (int j = 0; j < lr.getNumElements(); j++) {
                assertEquals(p.matrix().data[j], lr.data[j], 1e-12 * scale, what + ": left · right = matrix");
            }
        }
        return p;
    }
}
