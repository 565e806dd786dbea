package io.lorank.linearized.solvers;

import io.lorank.linearized.LoraFactors;

/**
 * Outcome of a LoRA solve.
 *
 * @param point        final factors
 * @param objective    final h(B, A)
 * @param curve        objective per iteration (SGD: per epoch, full objective), starting at the init
 * @param iterations   iterations taken
 * @param status       CONVERGED / MAX_ITER / DIVERGED
 * @param gradientNorm final ‖∇_(B,A) h‖_F (full batch)
 * @param seconds      wall time
 */
public record LoraResult(LoraFactors point, double objective, double[] curve, int iterations, SolverStatus status,
                         double gradientNorm, double seconds) {
}
