package io.lorank.linearized.solvers;

import io.lorank.LorankException;

/**
 * Settings of a LoRA solve at rank r.
 *
 * @param rank               LoRA rank r ≥ 1
 * @param method             GD (full batch, Armijo backtracking; first trial step {@code learningRate}, then Barzilai–Borwein),
 *                           LBFGS (full batch, Armijo backtracking on the quasi-Newton direction), ADAM (full batch) or SGD
 *                           (minibatch, fixed step)
 * @param learningRate       initial step (GD) or fixed step (ADAM, SGD), &gt; 0
 * @param maxIterations      iteration budget (SGD: minibatch steps)
 * @param gradientTolerance  stop when ‖∇_(B,A) h‖_F ≤ this (full-batch methods)
 * @param relativeTolerance  stop when |h_t − h_{t−1}| ≤ this · max(|h_t|, 1e-12) for 10 consecutive steps (GD)
 * @param init               LORA (A Gaussian, B = 0) or BOTH_RANDOM
 * @param initScale          A_ij ~ N(0, initScale²/n) (and B_ij ~ N(0, initScale²/m) for BOTH_RANDOM)
 * @param freezeA            train B only
 * @param batchSize          SGD minibatch size (examples)
 * @param seed               init and minibatch seed
 */
public record LoraSolverConfig(int rank, Method method, double learningRate, int maxIterations, double gradientTolerance,
                         double relativeTolerance, Init init, double initScale, boolean freezeA, int batchSize, long seed) {
    public enum Method { GD, LBFGS, ADAM, SGD }

    public enum Init { LORA, BOTH_RANDOM }

    public LoraSolverConfig {
        if (rank < 1) {
            throw new LorankException("--rank = " + rank + ", expected >= 1");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new LorankException("--lr = " + learningRate + ", expected a finite value > 0");
        }
        if (maxIterations < 1) {
            throw new LorankException("--max-iter = " + maxIterations + ", expected >= 1");
        }
        if (!(gradientTolerance >= 0) || !(relativeTolerance >= 0)) {
            throw new LorankException("LoRA tolerances must be >= 0, got grad " + gradientTolerance + ", rel " + relativeTolerance);
        }
        if (!(initScale > 0)) {
            throw new LorankException("--init-scale = " + initScale + ", expected > 0");
        }
        if (batchSize < 1) {
            throw new LorankException("--batch-size = " + batchSize + ", expected >= 1");
        }
    }

    /** GD with line search, rank r, LoRA init of scale 1, 20 000 iterations, tolerances 1e-9 / 1e-14. */
    public static LoraSolverConfig defaults(int rank) {
        return new LoraSolverConfig(rank, Method.GD, 1.0, 20_000, 1e-9, 1e-14, Init.LORA, 1.0, false, 8, 0L);
    }

    public LoraSolverConfig withRank(int r) {
        return new LoraSolverConfig(r, method, learningRate, maxIterations, gradientTolerance, relativeTolerance, init, initScale, freezeA, batchSize, seed);
    }

    public LoraSolverConfig withSeed(long s) {
        return new LoraSolverConfig(rank, method, learningRate, maxIterations, gradientTolerance, relativeTolerance, init, initScale, freezeA, batchSize, s);
    }

    public LoraSolverConfig withMaxIterations(int it) {
        return new LoraSolverConfig(rank, method, learningRate, it, gradientTolerance, relativeTolerance, init, initScale, freezeA, batchSize, seed);
    }

    public LoraSolverConfig withMethod(Method mth, double lr) {
        return new LoraSolverConfig(rank, mth, lr, maxIterations, gradientTolerance, relativeTolerance, init, initScale, freezeA, batchSize, seed);
    }

    public LoraSolverConfig withInit(Init in, double scale) {
        return new LoraSolverConfig(rank, method, learningRate, maxIterations, gradientTolerance, relativeTolerance, in, scale, freezeA, batchSize, seed);
    }
}
