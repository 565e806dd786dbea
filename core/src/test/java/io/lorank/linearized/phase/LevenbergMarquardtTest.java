package io.lorank.linearized.phase;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dimension counting on a tiny case: m = n = 6, r = 1, d = r(m+n) − r² = 11 (r(m+n) = 12). */
class LevenbergMarquardtTest {
    private static final LevenbergMarquardt.Settings S = LevenbergMarquardt.Settings.defaults();

    private static int successes(int m, int n, int r, int kn, int trials) {
        int ok = 0;
        for (int t = 0; t < trials; t++) {
            LevenbergMarquardt.Outcome o = PhaseExperiment.trial(m, n, r, kn, PhaseExperiment.mix(7, r, kn, t), S);
            ok += o.status() == LevenbergMarquardt.Status.CONVERGED ? 1 : 0;
            if (o.status() == LevenbergMarquardt.Status.CONVERGED) {
                assertTrue(o.relativeLoss() <= S.tolerance(), "converged means loss <= tol * initial");
            }
        }
        return ok;
    }

    @Test
    void farBelowThresholdAlwaysInterpolates() {
        assertEquals(20, successes(6, 6, 1, 3, 20)); // KN = 3 << d = 11
        assertEquals(20, successes(6, 6, 2, 6, 20)); // KN = 6 << d = 20
    }

    @Test
    void aboveDimensionNeverInterpolates() {
        // KN = 14 > r(m+n) = 12 > d = 11: generic y is not in the image of an 11-dimensional set
        assertEquals(0, successes(6, 6, 1, 14, 20));
        assertEquals(0, successes(6, 6, 2, 26, 10)); // KN = 26 > 24 = r(m+n)
    }

    @Test
    void gradientDescentAgreesFarFromTheThreshold() {
        LevenbergMarquardt.Settings gd = new LevenbergMarquardt.Settings(5000, 1e-8, 500);
        for (int t = 0; t < 5; t++) {
            LevenbergMarquardt.Outcome below = PhaseExperiment.trial(6, 6, 1, 3, PhaseExperiment.mix(11, 1, 3, t), gd, PhaseSolver.GD, 1);
            assertEquals(LevenbergMarquardt.Status.CONVERGED, below.status(), "KN = 3 << d = 11, rel loss " + below.relativeLoss());
            LevenbergMarquardt.Outcome above = PhaseExperiment.trial(6, 6, 1, 14, PhaseExperiment.mix(11, 1, 14, t), gd, PhaseSolver.GD, 1);
            assertTrue(above.status() != LevenbergMarquardt.Status.CONVERGED && above.relativeLoss() > 1e-4);
        }
    }

    @Test
    void restartsOnlyAddSuccesses() {
        // at KN = d = 11 some single inits fail; restarts reuse the same G, y and first init, so they can only add
        int single = 0;
        int multi = 0;
        for (int t = 0; t < 30; t++) {
            long seed = PhaseExperiment.mix(13, 1, 11, t);
            boolean one = PhaseExperiment.trial(6, 6, 1, 11, seed, S, PhaseSolver.LM, 1).status() == LevenbergMarquardt.Status.CONVERGED;
            boolean five = PhaseExperiment.trial(6, 6, 1, 11, seed, S, PhaseSolver.LM, 5).status() == LevenbergMarquardt.Status.CONVERGED;
            assertTrue(!one || five, "trial " + t + ": converged with 1 init but not with 5");
            single += one ? 1 : 0;
            multi += five ? 1 : 0;
        }
        assertTrue(multi >= single);
    }

    @Test
    void failedRunsPlateauFarAboveTolerance() {
        for (int t = 0; t < 5; t++) {
            LevenbergMarquardt.Outcome o = PhaseExperiment.trial(6, 6, 1, 14, PhaseExperiment.mix(9, 1, 14, t), S);
            // the least-squares residual over 3 excess equations stays a sizeable fraction of the initial loss
            assertTrue(o.relativeLoss() > 1e-4, "relative loss " + o.relativeLoss());
            assertTrue(o.finalLoss() <= o.initialLoss(), "LM never increases the loss");
        }
    }
}
