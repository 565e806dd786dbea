package io.lorank.linearized.solvers;

import org.ejml.data.DMatrixRMaj;

/**
 * The proximal map of τ‖·‖_*: SVT_τ(Z) = U diag(max(σ − τ, 0)) Vᵀ for Z = U diag(σ) Vᵀ (m × n, fp64).
 *
 * <p>Implementations: {@link EjmlSvt} (pure Java, the reference), {@link LapackSvt} (LAPACK {@code dgesdd} from
 * the OpenBLAS natives shipped in a Maven jar, ~10× faster) and {@link PartialSvt} (only the triples above τ, on the
 * same natives, with {@code dgesdd} as its fallback). {@link #fastest()} picks the partial one when the natives
 * load on this platform and the reference otherwise, so callers never choose; system property
 * {@code lorank.svt=ejml|lapack|partial} forces one (tests, benchmarks).
 *
 * <p>Contract: stateless and thread-safe; {@code z} is not modified; the result's {@code kept} holds σ_j − τ for the
 * σ_j &gt; τ, descending; both implementations agree to the tolerances of {@code SingularValueThresholdTest}.
 */
public interface SingularValueThreshold {
    /**
     * The thresholded matrix (m × n) and its kept singular values σ_j − τ (descending); when the implementation has
     * them at no cost, also factors with matrix = left · right (left m × ρ, right ρ × n, ρ = kept.length ≥ 1), else both null. The solver applies 𝒜 through them when ρ is small.
     */
    record Result(DMatrixRMaj matrix, double[] kept, DMatrixRMaj left, DMatrixRMaj right) {
        public Result(DMatrixRMaj matrix, double[] kept) {
            this(matrix, kept, null, null);
        }

        /** Whether {@link #left()} and {@link #right()} are given. */
        public boolean factored() {
            return left != null && right != null;
        }
    }

    /** SVT_τ(z); throws IllegalStateException on non-finite entries. */
    Result threshold(DMatrixRMaj z, double tau);

    /** SVT_τ of each z[l] (one result per target, in order); implementations may run targets in parallel. */
    default Result[] thresholdAll(DMatrixRMaj[] z, double tau) {
        Result[] r = new Result[z.length];
        for (int l = 0; l < z.length; l++) {
            r[l] = threshold(z[l], tau);
        }
        return r;
    }

    /**
     * As {@link #thresholdAll(DMatrixRMaj[], double)}, with the previous iteration's results (same shapes, may be
     * null) as a hint: an implementation that iterates may start from their singular vectors. The result must not
     * depend on the hint beyond the stated tolerances.
     */
    default Result[] thresholdAll(DMatrixRMaj[] z, double tau, Result[] previous) {
        return thresholdAll(z, tau);
    }

    /** The singular values of z (min(m, n) of them, descending), no vectors: for duality gaps and reports. */
    double[] singularValues(DMatrixRMaj z);

    /** {@link #singularValues} of each z[l], in order; implementations may run targets in parallel. */
    default double[][] singularValuesAll(DMatrixRMaj[] z) {
        double[][] s = new double[z.length][];
        for (int l = 0; l < z.length; l++) {
            s[l] = singularValues(z[l]);
        }
        return s;
    }

    /** What runs, for benchmark output (e.g. "LAPACK dgesdd (OpenBLAS 0.3.31), 2 targets in parallel"). */
    String name();

    /** The pure-Java reference. */
    static SingularValueThreshold reference() {
        return EjmlSvt.INSTANCE;
    }

    /** The fastest implementation that works here (chosen once). */
    static SingularValueThreshold fastest() {
        return SvtChoice.CHOSEN;
    }

    /** SVT_τ(z) with {@link #fastest()}. */
    static Result apply(DMatrixRMaj z, double tau) {
        return fastest().threshold(z, tau);
    }
}
