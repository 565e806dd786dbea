package io.lorank.linearized.phase;

/** Which optimizer a phase trial uses on (B, A). */
public enum PhaseSolver {
    /** Levenberg–Marquardt (Gauss–Newton with damping): the default, does not stall near the threshold. */
    LM,
    /** Gradient descent with Armijo backtracking: the first-order baseline. */
    GD;

    public LevenbergMarquardt.Outcome solve(MeasurementProblem prob, double[] x0, LevenbergMarquardt.Settings s) {
        return this == LM ? LevenbergMarquardt.solve(prob, x0, s) : GradientDescent.solve(prob, x0, s);
    }

    /** Stall window: LM stops after 60 iterations without a 0.1 % gain; GD is slower, so a tenth of its budget. */
    public int stallWindow(int maxIterations) {
        return this == LM ? 60 : Math.max(60, maxIterations / 10);
    }
}
