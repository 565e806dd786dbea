package io.lorank.finetune;

import io.lorank.LorankException;

/**
 * Optimisation settings (self-validating).
 *
 * @param steps        optimizer steps
 * @param batchSize    examples per step (the last batch of an epoch may be smaller)
 * @param lr           peak learning rate
 * @param weightDecay  AdamW's decoupled decay λ (p ← p − lr·λ·p)
 * @param warmup       fraction of the steps with linearly rising lr, then linear decay to 0 (HF's linear schedule)
 * @param maxGradNorm  global-norm clipping threshold; ≤ 0 disables clipping
 * @param evalEvery    dev evaluation every this many steps (and at the end); ≤ 0: only at the end
 * @param patience     early stopping after this many evaluations without improvement; ≤ 0 disables it
 * @param seed         seeds the example order
 */
public record TrainerConfig(int steps, int batchSize, double lr, double weightDecay, double warmup,
                            double maxGradNorm, int evalEvery, int patience, long seed) {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    public TrainerConfig {
        if (steps < 1) {
            throw new LorankException("--steps: " + steps + " is not allowed; expected an integer ≥ 1");
        }
        if (batchSize < 1) {
            throw new LorankException("--batch-size: " + batchSize + " is not allowed; expected an integer ≥ 1");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new LorankException("--lr: " + lr + " is not allowed; expected a finite value > 0");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new LorankException("--weight-decay: " + weightDecay + " is not allowed; expected a finite value ≥ 0");
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new LorankException("--warmup: " + warmup + " is not allowed; expected a fraction in [0, 1)");
        }
        if (Double.isNaN(maxGradNorm)) {
            throw new LorankException("--max-grad-norm: NaN is not allowed; expected a value (≤ 0 disables clipping)");
        }
    }

    /** The learning rate of step t (0-based): HF's get_linear_schedule_with_warmup. */
    public double learningRate(int t) {
        int w = (int) Math.round(warmup * steps);
        if (t < w) {
            return lr * (t + 1) / w;
        }
        return lr * Math.max(0, (double) (steps - t) / Math.max(1, steps - w));
    }
}
