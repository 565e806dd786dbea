package io.lorank.linearized.solvers;

import io.lorank.linearized.Parallel;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;

import java.util.Random;

/**
 * SVT at the cost of the kept rank: only the singular triples above τ are computed, falling back to the full
 * {@link LapackSvt} when too many are. A proximal step of a nuclear-norm solve near its optimum keeps a few singular
 * values of a 384 × 384 matrix (often none), so a full {@code dgesdd} computes ~380 triples to throw them away.
 *
 * <p>Per matrix Z (m × n, d = min(m, n)), with S the d × d Gram (ZᵀZ, or ZZᵀ when m &lt; n):
 * <ol>
 *   <li><b>Count</b>: c = #σ_j &gt; τ exactly, as the number of positive eigenvalues of S − τ²I, read from the
 *       inertia of its Bunch–Kaufman LDLᵀ ({@code dsyrk} + {@code dsytrf}, Sylvester's law; ~d³/3 + d²·max(m, n)
 *       flops against dgesdd's ~20·d³). c = 0 ends here: SVT_τ(Z) = 0.</li>
 *   <li><b>Subspace</b>: block subspace iteration on S with Rayleigh–Ritz, block c + max(8, c), started from the
 *       previous solve's singular vectors when given ({@link #thresholdAll(DMatrixRMaj[], double, Result[])}: the
 *       convex solver's iterates move little, so this typically converges in a few steps), until the top c Ritz
 *       pairs' residuals are ≤ 1e-12·θ_1.</li>
 *   <li><b>Triples</b>: a Rayleigh–Ritz step on Z itself (an SVD of Z·V, m × c), so the σ_j are accurate to
 *       O(ε‖Z‖) and not squared through S.</li>
 * </ol>
 * Falls back to the full SVD when c exceeds {@link #MAX_RANK_FRACTION} of d or the iteration does not converge in
 * {@link #MAX_ITERATIONS} steps. Layout as in {@link LapackSvt}: Z's row-major buffer is read column-major as Zᵀ.
 * Deterministic (fixed random start, single-threaded BLAS per target).
 */
final class PartialSvt implements SingularValueThreshold {
    /** Above c &gt; d / 8 the full divide-and-conquer SVD costs less than a block of 2c vectors iterated. */
    static final int MAX_RANK_FRACTION = 8;
    static final int MAX_ITERATIONS = 60;
    private static final double TOL = 1e-12;

    private final LapackSvt full;

    private PartialSvt(LapackSvt full) {
        this.full = full;
    }

    /** Needs the LAPACK natives; throws LinkageError when they are unavailable. */
    static PartialSvt load() {
        return new PartialSvt(LapackSvt.load());
    }

    @Override
    public String name() {
        return "partial SVT (inertia count + subspace iteration, LAPACK dgesdd fallback; " + full.name() + ")";
    }

    @Override
    public double[] singularValues(DMatrixRMaj z) {
        return full.singularValues(z);
    }

    @Override
    public double[][] singularValuesAll(DMatrixRMaj[] z) {
        return full.singularValuesAll(z);
    }

    @Override
    public Result threshold(DMatrixRMaj z, double tau) {
        return threshold(z, tau, null);
    }

    @Override
    public Result[] thresholdAll(DMatrixRMaj[] z, double tau, Result[] previous) {
        Result[] r = new Result[z.length];
        Parallel.forEach(z.length, l -> r[l] = threshold(z[l], tau, previous == null ? null : previous[l]));
        return r;
    }

    @Override
    public Result[] thresholdAll(DMatrixRMaj[] z, double tau) {
        return thresholdAll(z, tau, null);
    }

    /** SVT_τ(z), started from {@code previous}'s singular vectors when it has factors of z's shape. */
    Result threshold(DMatrixRMaj z, double tau, Result previous) {
        int m = z.numRows;
        int n = z.numCols;
        int d = Math.min(m, n);
        boolean rightSide = n <= m; // vectors of the smaller side: right singular vectors when n ≤ m
        double[] a = z.data; // column-major Zᵀ, n × m, lda n (read only)
        for (int j = 0; j < m * n; j++) {
            if (!Double.isFinite(a[j])) {
                throw new IllegalStateException("SVD failed on a " + m + "x" + n + " matrix (non-finite entries)");
            }
        }
        double[] s = new double[d * d]; // S, column-major, upper triangle
        if (rightSide) { // ZᵀZ = A Aᵀ
            openblas.cblas_dsyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, m, 1.0, a, n, 0.0, s, d);
        } else { // ZZᵀ = Aᵀ A
            openblas.cblas_dsyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasTrans, m, n, 1.0, a, n, 0.0, s, d);
        }
        int c = countAbove(s, d, tau * tau);
        if (c == 0) {
            return new Result(new DMatrixRMaj(m, n), new double[0]);
        }
        if (c > d / MAX_RANK_FRACTION || c + 8 > d) {
            return full.threshold(z, tau);
        }
        double[] basis = subspace(s, d, c, tau * tau, start(previous, rightSide, m, n));
        if (basis == null) {
            return full.threshold(z, tau);
        }
        return triples(z, tau, basis, rightSide);
    }

    /** Number of eigenvalues of S above t: positive eigenvalues of S − tI by the inertia of its LDLᵀ. */
    static int countAbove(double[] s, int d, double t) {
        double[] w = s.clone();
        for (int i = 0; i < d; i++) {
            w[i + i * d] -= t;
        }
        int[] ipiv = new int[d];
        int info = openblas.LAPACKE_dsytrf(openblas.LAPACK_COL_MAJOR, (byte) 'U', d, w, d, ipiv);
        if (info < 0) {
            throw new IllegalStateException("LAPACKE_dsytrf: argument " + (-info) + " is invalid (bug)");
        }
        // info > 0: D has an exact zero (an eigenvalue at t exactly), which counts as not above
        int positive = 0;
        for (int i = 0; i < d; i++) {
            if (ipiv[i] > 0) {
                positive += w[i + i * d] > 0 ? 1 : 0;
            } else { // 2 × 2 block on rows i, i + 1 (upper storage: D(i, i+1) above the diagonal)
                double p = w[i + i * d];
                double q = w[(i + 1) + (i + 1) * d];
                double o = w[i + (i + 1) * d];
                double det = p * q - o * o;
                positive += det < 0 ? 1 : (p + q > 0 ? 2 : 0);
                i++;
            }
        }
        return positive;
    }

    /** Starting vectors in the smaller side's space (column-major d × ρ), from the previous result's factors. */
    private static double[] start(Result previous, boolean rightSide, int m, int n) {
        if (previous == null || !previous.factored() || previous.left().numRows != m || previous.right().numCols != n) {
            return null;
        }
        if (rightSide) {
            return previous.right().data.clone(); // rows of diag(σ − τ)Vᵀ: column-major n × ρ is V·diag
        }
        DMatrixRMaj u = previous.left(); // m × ρ row-major → column-major
        int rho = u.numCols;
        double[] out = new double[m * rho];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < rho; j++) {
                out[i + j * m] = u.data[i * rho + j];
            }
        }
        return out;
    }

    /**
     * An orthonormal basis (column-major d × c') of S's dominant invariant subspace holding every eigenvalue above
     * t, c' ≥ c, or null when the iteration does not converge in {@link #MAX_ITERATIONS} steps.
     */
    private static double[] subspace(double[] s, int d, int c, double t, double[] hint) {
        int b = Math.min(d, c + Math.max(8, c));
        double[] q = new double[d * b];
        int given = hint == null ? 0 : Math.min(hint.length / d, b / 2);
        if (given > 0) {
            System.arraycopy(hint, 0, q, 0, given * d);
        }
        Random rnd = new Random(0x5EED + d);
        for (int j = given * d; j < d * b; j++) {
            q[j] = rnd.nextGaussian();
        }
        if (!orthonormalize(q, d, b)) {
            return null;
        }
        double[] w = new double[d * b];
        double[] h = new double[b * b];
        double[] theta = new double[b];
        double[] x = new double[d * b];
        double[] wy = new double[d * b];
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            openblas.cblas_dsymm(openblas.CblasColMajor, openblas.CblasLeft, openblas.CblasUpper, d, b, 1.0, s, d, q, d, 0.0, w, d);
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasTrans, openblas.CblasNoTrans, b, b, d, 1.0, q, d, w, d, 0.0, h, b);
            for (int i = 0; i < b; i++) { // symmetrize the b × b Rayleigh quotient
                for (int j = i + 1; j < b; j++) {
                    double v = 0.5 * (h[i + j * b] + h[j + i * b]);
                    h[i + j * b] = v;
                    h[j + i * b] = v;
                }
            }
            if (openblas.LAPACKE_dsyev(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', b, h, b, theta) != 0) {
                return null;
            }
            reverseColumns(h, theta, b); // descending
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, d, b, b, 1.0, q, d, h, b, 0.0, x, d);
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, d, b, b, 1.0, w, d, h, b, 0.0, wy, d);
            int need = c;
            while (need < b && theta[need] > t) { // Ritz values are lower bounds: these are above t too
                need++;
            }
            if (need + 2 > b) {
                return null; // the block is too small for what lies above t
            }
            boolean done = true;
            double floor = TOL * Math.abs(theta[0]);
            for (int j = 0; j < need && done; j++) {
                double r = 0;
                for (int i = 0; i < d; i++) {
                    double e = wy[i + j * d] - theta[j] * x[i + j * d];
                    r += e * e;
                }
                done = Math.sqrt(r) <= floor;
            }
            if (done) {
                double[] out = new double[d * need];
                System.arraycopy(x, 0, out, 0, d * need);
                return out;
            }
            System.arraycopy(wy, 0, q, 0, d * b); // next block: S·Q (Ritz-rotated), re-orthonormalized
            if (!orthonormalize(q, d, b)) {
                return null;
            }
        }
        return null;
    }

    /** The SVT from an orthonormal basis V of the smaller side (d × c): SVD of Z·V (or Zᵀ·U), then threshold. */
    private Result triples(DMatrixRMaj z, double tau, double[] basis, boolean rightSide) {
        int m = z.numRows;
        int n = z.numCols;
        int d = rightSide ? n : m;
        int e = rightSide ? m : n; // the other side
        int c = basis.length / d;
        double[] p = new double[e * c]; // column-major e × c
        if (rightSide) { // Z·V = Aᵀ V
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasTrans, openblas.CblasNoTrans, m, c, n, 1.0, z.data, n, basis, n, 0.0, p, m);
        } else { // Zᵀ·U = A U
            openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, c, m, 1.0, z.data, n, basis, m, 0.0, p, n);
        }
        double[] sv = new double[c];
        double[] up = new double[e * c]; // e × c, column-major
        double[] wt = new double[c * c]; // Wpᵀ, c × c column-major
        int info = openblas.LAPACKE_dgesdd(openblas.LAPACK_COL_MAJOR, (byte) 'S', e, c, p, e, sv, up, e, wt, c);
        if (info != 0) {
            return full.threshold(z, tau);
        }
        double[] rotated = new double[d * c]; // basis · Wp, d × c column-major
        openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasTrans, d, c, c, 1.0, basis, d, wt, c, 0.0, rotated, d);
        int r = 0;
        while (r < c && sv[r] > tau) {
            r++;
        }
        double[] kept = new double[r];
        if (r == 0) {
            return new Result(new DMatrixRMaj(m, n), kept);
        }
        double[] uz = rightSide ? up : rotated; // m × c column-major
        double[] vz = rightSide ? rotated : up; // n × c column-major
        DMatrixRMaj left = new DMatrixRMaj(m, r);
        DMatrixRMaj right = new DMatrixRMaj(r, n);
        for (int j = 0; j < r; j++) {
            kept[j] = sv[j] - tau;
            for (int i = 0; i < m; i++) {
                left.data[i * r + j] = uz[i + j * m];
            }
            for (int i = 0; i < n; i++) {
                right.data[j * n + i] = kept[j] * vz[i + j * n];
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(m, n);
        openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, n, r, 1.0, left.data, r,
                right.data, n, 0.0, out.data, n);
        return new Result(out, kept, left, right);
    }

    /** Q ← the Q factor of Q (d × b, column-major); false when a column is numerically dependent. */
    private static boolean orthonormalize(double[] q, int d, int b) {
        double[] tauQr = new double[b];
        if (openblas.LAPACKE_dgeqrf(openblas.LAPACK_COL_MAJOR, d, b, q, d, tauQr) != 0) {
            return false;
        }
        double maxDiag = 0;
        double minDiag = Double.POSITIVE_INFINITY;
        for (int j = 0; j < b; j++) {
            double v = Math.abs(q[j + j * d]);
            maxDiag = Math.max(maxDiag, v);
            minDiag = Math.min(minDiag, v);
        }
        if (!(minDiag > 1e-14 * maxDiag)) {
            return false;
        }
        return openblas.LAPACKE_dorgqr(openblas.LAPACK_COL_MAJOR, d, b, b, q, d, tauQr) == 0;
    }

    /** dsyev's ascending eigenpairs → descending, in place. */
    private static void reverseColumns(double[] v, double[] w, int b) {
        for (int i = 0, j = b - 1; i < j; i++, j--) {
            double t = w[i];
            w[i] = w[j];
            w[j] = t;
            for (int k = 0; k < b; k++) {
                double u = v[k + i * b];
                v[k + i * b] = v[k + j * b];
                v[k + j * b] = u;
            }
        }
    }
}
