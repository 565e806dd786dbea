package io.lorank.linearized.solvers;

import io.lorank.LorankException;

/**
 * Settings of the convex (nuclear-norm) solve.
 *
 * @param maxIterations    FISTA iteration budget
 * @param gapTolerance     stop when the duality gap ≤ gapTolerance · max(|P|, 1e-12) (relative accuracy)
 * @param checkEvery       compute the duality gap every this many iterations
 * @param initialLipschitz first estimate of the data term's Lipschitz constant (backtracking corrects it)
 */
public record ConvexConfig(int maxIterations, double gapTolerance, int checkEvery, double initialLipschitz) {
    public ConvexConfig {
        if (maxIterations < 1) {
            throw new LorankException("convex --max-iter = " + maxIterations + ", expected >= 1");
        }
        if (!(gapTolerance > 0)) {
            throw new LorankException("convex gap tolerance = " + gapTolerance + ", expected > 0");
        }
        if (checkEvery < 1) {
            throw new LorankException("convex check-every = " + checkEvery + ", expected >= 1");
        }
        if (!(initialLipschitz > 0)) {
            throw new LorankException("convex initial Lipschitz = " + initialLipschitz + ", expected > 0");
        }
    }

    /**
     * 20 000 iterations, relative gap 1e-8 (the gap is first order in the iterate's error, so much tighter values
     * are often out of reach in fp64), gap every 10 iterations, L0 = 1.
     */
    public static ConvexConfig defaults() {
        return new ConvexConfig(20_000, 1e-8, 10, 1.0);
    }

    public ConvexConfig withGapTolerance(double tol) {
        return new ConvexConfig(maxIterations, tol, checkEvery, initialLipschitz);
    }

    public ConvexConfig withMaxIterations(int it) {
        return new ConvexConfig(it, gapTolerance, checkEvery, initialLipschitz);
    }
}
