package io.lorank.linearized.phase;

/**
 * Plain gradient descent on the LoRA factors (B, A) with an Armijo backtracking step (halve until
 * L(x − t∇L) ≤ L(x) − ½ t‖∇L‖², then try 2t next time): the first-order baseline that LoRA training resembles.
 * Used to show how the apparent C* depends on the optimizer, the tolerance and the budget; {@link LevenbergMarquardt}
 * is the default because it does not stall near the threshold. Same settings and outcome as LM.
 */
public final class GradientDescent {
    private GradientDescent() {
    }

    public static LevenbergMarquardt.Outcome solve(MeasurementProblem prob, double[] x0, LevenbergMarquardt.Settings s) {
        int np = prob.parameters();
        double[] x = x0.clone();
        double[] grad = new double[np];
        double[] xNew = new double[np];
        double[] gNew = new double[np];
        double loss = prob.lossAndGradient(x, grad);
        double initial = loss;
        double[] history = new double[s.maxIterations() + 1];
        history[0] = loss;
        double t = 1.0 / Math.max(1e-12, norm2(grad) / Math.max(loss, 1e-300)); // scale-aware first guess
        int it = 0;
        while (it < s.maxIterations()) {
            if (loss <= s.tolerance() * initial) {
                return new LevenbergMarquardt.Outcome(LevenbergMarquardt.Status.CONVERGED, initial, loss, it, x);
            }
            if (it >= s.stallWindow() && loss > (1 - 1e-3) * history[it - s.stallWindow()]) {
                return new LevenbergMarquardt.Outcome(LevenbergMarquardt.Status.STALLED, initial, loss, it, x);
            }
            it++;
            double g2 = norm2(grad);
            double lossNew = Double.POSITIVE_INFINITY;
            for (int tries = 0; tries < 60; tries++) {
                for (int i = 0; i < np; i++) {
                    xNew[i] = x[i] - t * grad[i];
                }
                lossNew = prob.lossAndGradient(xNew, gNew);
                if (lossNew <= loss - 0.5 * t * g2) {
                    break;
                }
                t /= 2;
            }
            if (lossNew < loss) {
                System.arraycopy(xNew, 0, x, 0, np);
                System.arraycopy(gNew, 0, grad, 0, np);
                loss = lossNew;
                t *= 2;
            }
            history[it] = loss;
        }
        LevenbergMarquardt.Status st = loss <= s.tolerance() * initial
                ? LevenbergMarquardt.Status.CONVERGED : LevenbergMarquardt.Status.MAX_ITERATIONS;
        return new LevenbergMarquardt.Outcome(st, initial, loss, it, x);
    }

    private static double norm2(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return s;
    }
}
