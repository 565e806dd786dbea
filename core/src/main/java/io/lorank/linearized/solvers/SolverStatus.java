package io.lorank.linearized.solvers;

/** How a solver ended. */
public enum SolverStatus {
    /** A stopping criterion (gradient norm, relative change, duality gap) was met. */
    CONVERGED,
    /** The iteration budget ran out first. */
    MAX_ITER,
    /** The objective became non-finite or blew up. */
    DIVERGED
}
