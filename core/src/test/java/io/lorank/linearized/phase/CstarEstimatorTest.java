package io.lorank.linearized.phase;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CstarEstimatorTest {
    private static List<CstarEstimator.Cell> synthetic(double c50, double slope, int trials, SplittableRandom rng) {
        List<CstarEstimator.Cell> cells = new ArrayList<>();
        for (double rho = 0.8; rho <= 2.0 + 1e-9; rho += 0.05) {
            double p = CstarEstimator.sigmoid(slope * (rho - c50));
            int k = 0;
            for (int t = 0; t < trials; t++) {
                k += rng.nextDouble() < p ? 1 : 0;
            }
            cells.add(new CstarEstimator.Cell(rho, k, trials));
        }
        return cells;
    }

    @Test
    void recoversKnownMidpointWithInterval() {
        CstarEstimator.Estimate e = CstarEstimator.estimate(synthetic(1.35, 10, 200, new SplittableRandom(1)), 200, 2);
        assertEquals(1.35, e.cstar(), 0.02);
        assertEquals(10, e.slope(), 2.5);
        assertTrue(e.low() < 1.35 && 1.35 < e.high(), e.low() + " .. " + e.high());
        assertTrue(e.high() - e.low() < 0.08, "interval narrow with 200 trials/cell");
        assertEquals(1.35, e.interpolated(), 0.05);
        assertEquals(200, e.bootstrapValid());
    }

    @Test
    void intervalCoversTruthMostOfTheTime() {
        int covered = 0;
        SplittableRandom rng = new SplittableRandom(3);
        for (int rep = 0; rep < 20; rep++) {
            CstarEstimator.Estimate e = CstarEstimator.estimate(synthetic(1.1, 6, 30, rng), 100, rep);
            covered += e.low() <= 1.1 && 1.1 <= e.high() ? 1 : 0;
        }
        assertTrue(covered >= 15, "95% interval covered the truth in " + covered + "/20 reps");
    }

    @Test
    void perfectSeparationLandsInTheGap() {
        List<CstarEstimator.Cell> cells = List.of(new CstarEstimator.Cell(0.9, 0, 50), new CstarEstimator.Cell(1.0, 0, 50),
                new CstarEstimator.Cell(1.2, 50, 50), new CstarEstimator.Cell(1.4, 50, 50));
        CstarEstimator.Fit f = CstarEstimator.fit(cells);
        assertTrue(f.c50() > 1.0 && f.c50() < 1.2, "c50 " + f.c50());
        assertEquals(1.1, CstarEstimator.interpolate(cells), 1e-12);
    }

    @Test
    void noTransitionIsNaN() {
        List<CstarEstimator.Cell> all = List.of(new CstarEstimator.Cell(1.0, 10, 10), new CstarEstimator.Cell(2.0, 10, 10));
        assertFalse(CstarEstimator.fit(all).valid());
        assertTrue(Double.isNaN(CstarEstimator.estimate(all, 20, 1).cstar()));
    }

    @Test
    void interpolationUsesMonotoneFit() {
        // 0.2, 0.6, 0.4, 1.0 -> PAVA pools 0.6 and 0.4 into 0.5 at ratios 1.1 and 1.2 -> first crossing at 1.1
        List<CstarEstimator.Cell> cells = List.of(new CstarEstimator.Cell(1.0, 2, 10), new CstarEstimator.Cell(1.1, 6, 10),
                new CstarEstimator.Cell(1.2, 4, 10), new CstarEstimator.Cell(1.3, 10, 10));
        assertEquals(1.1, CstarEstimator.interpolate(cells), 1e-12);
    }
}
