package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Extreme eigenpair of a symmetric operator by Lanczos with full reorthogonalisation (fp64). Stops when the Ritz
 * residual β_j |s_j| ≤ tol · max(1, |θ|) or after min(dim, maxSteps) steps (an invariant subspace ends it early);
 * for dim ≤ maxSteps the result is exact to rounding.
 */
public final class Lanczos {
    /** An eigenpair with the residual bound of the Ritz pair. */
    public record Eigenpair(double value, double[] vector, double residual, int steps) {
    }

    private Lanczos() {
    }

    public static Eigenpair extreme(int dim, UnaryOperator<double[]> matvec, boolean largest, int maxSteps, double tol, long seed) {
        return extreme(dim, matvec, largest, maxSteps, tol, seed, false);
    }

    /**
     * As above; with {@code relative} the stop is β_j |s_j| ≤ tol · |θ| instead of tol · max(1, |θ|). Use it when θ
     * can be far below 1 and its relative accuracy matters: the top eigenvalue of 𝒜*(c)ᵀ𝒜*(c) is σ² ≈ λ², about 1e-8
     * at λ = 1e-4·λ_max, where the absolute form would accept a 1e-4 relative error in σ².
     */
    public static Eigenpair extreme(int dim, UnaryOperator<double[]> matvec, boolean largest, int maxSteps, double tol, long seed,
                                    boolean relative) {
        Random rnd = new Random(seed);
        double[] q = new double[dim];
        for (int j = 0; j < dim; j++) {
            q[j] = rnd.nextGaussian();
        }
        scale(q, 1 / norm(q));
        List<double[]> basis = new ArrayList<>();
        List<Double> alpha = new ArrayList<>();
        List<Double> beta = new ArrayList<>();
        int steps = Math.min(dim, maxSteps);
        Eigenpair best = null;
        for (int j = 0; j < steps; j++) {
            basis.add(q);
            double[] w = matvec.apply(q);
            double a = dot(w, q);
            alpha.add(a);
            // full reorthogonalisation (twice is enough)
            for (int pass = 0; pass < 2; pass++) {
                for (double[] v : basis) {
                    axpy(-dot(w, v), v, w);
                }
            }
            double b = norm(w);
            boolean last = j == steps - 1 || b <= 1e-14 * Math.max(1, Math.abs(a));
            if (last || j % 5 == 4) {
                best = ritz(basis, alpha, beta, b, largest);
                double scale = relative ? Math.abs(best.value()) : Math.max(1, Math.abs(best.value()));
                if (last || best.residual() <= tol * scale) {
                    return best;
                }
            }
            beta.add(b);
            q = w;
            scale(q, 1 / b);
        }
        return best;
    }

    private static Eigenpair ritz(List<double[]> basis, List<Double> alpha, List<Double> beta, double bNext, boolean largest) {
        int k = alpha.size();
        DMatrixRMaj t = new DMatrixRMaj(k, k);
        for (int i = 0; i < k; i++) {
            t.set(i, i, alpha.get(i));
            if (i + 1 < k) {
                t.set(i, i + 1, beta.get(i));
                t.set(i + 1, i, beta.get(i));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
        if (!eig.decompose(t)) {
            throw new IllegalStateException("Lanczos: tridiagonal eigen-decomposition failed at k = " + k);
        }
        int pick = 0;
        for (int i = 1; i < k; i++) {
            double vi = eig.getEigenvalue(i).real;
            double vp = eig.getEigenvalue(pick).real;
            if (largest ? vi > vp : vi < vp) {
                pick = i;
            }
        }
        DMatrixRMaj s = eig.getEigenVector(pick);
        int dim = basis.get(0).length;
        double[] x = new double[dim];
        for (int i = 0; i < k; i++) {
            axpy(s.get(i), basis.get(i), x);
        }
        double nx = norm(x);
        scale(x, 1 / nx);
        double res = Math.abs(bNext * s.get(k - 1)) / nx;
        return new Eigenpair(eig.getEigenvalue(pick).real, x, res, k);
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += x[j] * y[j];
        }
        return s;
    }

    static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    static void scale(double[] x, double s) {
        for (int j = 0; j < x.length; j++) {
            x[j] *= s;
        }
    }

    static void axpy(double a, double[] x, double[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += a * x[j];
        }
    }
}
