package io.lorank.linearized.phase;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Levenberg–Marquardt on the LoRA factors (B, A) of a {@link MeasurementProblem}: a Gauss–Newton method, so it
 * converges fast (locally quadratically) to an interpolating solution when one is reachable, instead of crawling
 * like gradient descent near the threshold. Step δ = −(JᵀJ + μI)⁻¹ Jᵀ res, solved in the smaller of the two spaces
 * (P×P via δ = −Jᵀ(JJᵀ + μI)⁻¹ res when P &lt; #params; the two are equal by the push-through identity). The damping
 * μ also regularizes the GL(r) symmetry B A = (B M)(M⁻¹ A), whose r² null directions make JᵀJ singular; μ follows
 * Nielsen's update (gain ratio ρ: μ ← μ·max(1/3, 1 − (2ρ − 1)³) on success, μ ← μ·ν, ν ← 2ν on failure).
 */
public final class LevenbergMarquardt {
    /** Why the solver stopped. */
    public enum Status { CONVERGED, STALLED, MAX_ITERATIONS }

    /**
     * @param maxIterations iteration budget (&gt; 0)
     * @param tolerance     success when L ≤ tolerance · L(x0) (relative loss; 0 &lt; tol &lt; 1)
     * @param stallWindow   stop as STALLED when L dropped by less than a factor (1 − 1e-3) over this many iterations
     */
    public record Settings(int maxIterations, double tolerance, int stallWindow) {
        public Settings {
            if (maxIterations <= 0) {
                throw new IllegalArgumentException("maxIterations must be > 0, got " + maxIterations);
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
            }
            if (stallWindow <= 0) {
                throw new IllegalArgumentException("stallWindow must be > 0, got " + stallWindow);
            }
        }

        public static Settings defaults() {
            return new Settings(400, 1e-10, 60);
        }
    }

    /** Outcome of one run; x is the final parameter vector. */
    public record Outcome(Status status, double initialLoss, double finalLoss, int iterations, double[] x) {
        public double relativeLoss() {
            return initialLoss > 0 ? finalLoss / initialLoss : 0.0;
        }
    }

    private LevenbergMarquardt() {
    }

    public static Outcome solve(MeasurementProblem prob, double[] x0, Settings s) {
        int pm = prob.measurements();
        int np = prob.parameters();
        boolean small = pm < np; // solve in measurement space
        int dim = small ? pm : np;
        double[] x = x0.clone();
        double[] res = new double[pm];
        double[][] jac = new double[pm][np];
        double loss = prob.evaluate(x, res, jac);
        double initial = loss;
        double[] history = new double[s.maxIterations() + 1];
        history[0] = loss;
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(dim);
        DMatrixRMaj mat = new DMatrixRMaj(dim, dim);
        DMatrixRMaj rhs = new DMatrixRMaj(dim, 1);
        DMatrixRMaj sol = new DMatrixRMaj(dim, 1);
        double[] xNew = new double[np];
        double[] resNew = new double[pm];
        double[] step = new double[np];
        double[] jd = new double[pm];
        double[] grad = new double[np];
        double mu = -1;
        double nu = 2;
        int it = 0;
        while (it < s.maxIterations()) {
            if (loss <= s.tolerance() * initial) {
                return new Outcome(Status.CONVERGED, initial, loss, it, x);
            }
            if (it >= s.stallWindow() && loss > (1 - 1e-3) * history[it - s.stallWindow()]) {
                return new Outcome(Status.STALLED, initial, loss, it, x);
            }
            // Normal matrix JᵀJ [np×np] or JJᵀ [pm×pm] and the gradient Jᵀ res.
            gram(jac, small, mat);
            java.util.Arrays.fill(grad, 0);
            for (int j = 0; j < pm; j++) {
                double rj = res[j];
                double[] row = jac[j];
                for (int i = 0; i < np; i++) {
                    grad[i] += row[i] * rj;
                }
            }
            if (mu < 0) {
                double maxDiag = 0;
                for (int i = 0; i < dim; i++) {
                    maxDiag = Math.max(maxDiag, mat.get(i, i));
                }
                mu = 1e-3 * Math.max(maxDiag, 1e-300);
            }
            boolean accepted = false;
            while (!accepted && it < s.maxIterations()) {
                it++;
                for (int i = 0; i < dim; i++) {
                    mat.add(i, i, mu);
                }
                boolean ok = chol.setA(mat.copy());
                for (int i = 0; i < dim; i++) {
                    mat.add(i, i, -mu);
                }
                if (!ok) {
                    mu *= nu;
                    nu *= 2;
                    history[it] = loss;
                    continue;
                }
                if (small) {
                    System.arraycopy(res, 0, rhs.data, 0, pm);
                    chol.solve(rhs, sol);
                    java.util.Arrays.fill(step, 0);
                    for (int j = 0; j < pm; j++) {
                        double zj = -sol.data[j];
                        double[] row = jac[j];
                        for (int i = 0; i < np; i++) {
                            step[i] += row[i] * zj;
                        }
                    }
                } else {
                    for (int i = 0; i < np; i++) {
                        rhs.data[i] = grad[i];
                    }
                    chol.solve(rhs, sol);
                    for (int i = 0; i < np; i++) {
                        step[i] = -sol.data[i];
                    }
                }
                // Predicted decrease of the Gauss–Newton model ½‖res + Jδ‖².
                double predicted = 0;
                for (int j = 0; j < pm; j++) {
                    double acc = 0;
                    double[] row = jac[j];
                    for (int i = 0; i < np; i++) {
                        acc += row[i] * step[i];
                    }
                    jd[j] = acc;
                    predicted += -res[j] * acc - 0.5 * acc * acc;
                }
                for (int i = 0; i < np; i++) {
                    xNew[i] = x[i] + step[i];
                }
                double lossNew = prob.evaluate(xNew, resNew, null);
                double gain = predicted > 0 ? (loss - lossNew) / predicted : -1;
                if (gain > 0 && lossNew < loss) {
                    System.arraycopy(xNew, 0, x, 0, np);
                    loss = prob.evaluate(x, res, jac);
                    mu *= Math.max(1.0 / 3, 1 - Math.pow(2 * gain - 1, 3));
                    nu = 2;
                    accepted = true;
                } else {
                    mu *= nu;
                    nu *= 2;
                }
                history[it] = loss;
                if (mu > 1e300 || !Double.isFinite(mu)) {
                    return new Outcome(Status.STALLED, initial, loss, it, x);
                }
            }
        }
        return new Outcome(loss <= s.tolerance() * initial ? Status.CONVERGED : Status.MAX_ITERATIONS, initial, loss, it, x);
    }

    /** mat = JᵀJ (small=false) or JJᵀ (small=true), symmetric, fp64. */
    private static void gram(double[][] jac, boolean small, DMatrixRMaj mat) {
        int pm = jac.length;
        int np = jac[0].length;
        if (small) {
            for (int a = 0; a < pm; a++) {
                for (int b = a; b < pm; b++) {
                    double acc = 0;
                    double[] ra = jac[a];
                    double[] rb = jac[b];
                    for (int i = 0; i < np; i++) {
                        acc += ra[i] * rb[i];
                    }
                    mat.unsafe_set(a, b, acc);
                    mat.unsafe_set(b, a, acc);
                }
            }
        } else {
            java.util.Arrays.fill(mat.data, 0);
            for (int j = 0; j < pm; j++) {
                double[] row = jac[j];
                for (int a = 0; a < np; a++) {
                    double ra = row[a];
                    if (ra == 0) {
                        continue;
                    }
                    int off = a * np;
                    for (int b = a; b < np; b++) {
                        mat.data[off + b] += ra * row[b];
                    }
                }
            }
            for (int a = 0; a < np; a++) {
                for (int b = 0; b < a; b++) {
                    mat.data[a * np + b] = mat.data[b * np + a];
                }
            }
        }
    }
}
