package io.lorank.finetune;

import io.lorank.LorankException;

/**
 * Optimizer and schedule settings of one fine-tuning run, validated.
 *
 * @param lr          peak learning rate (&gt; 0)
 * @param weightDecay AdamW's decoupled decay λ (≥ 0): p ← p − lr·λ·p each step
 * @param warmup      fraction of the steps with a linear warm-up from 0 to lr, in [0, 1); then linear decay to 0
 * @param steps       optimizer steps (≥ 1)
 * @param batchSize   examples per step (≥ 1; capped at the train size)
 * @param clip        global gradient-norm clip (&gt; 0; infinity: none)
 * @param evalEvery   evaluate the dev split every n steps (≥ 1), and after the last step
 * @param patience    stop after this many evaluations without a better dev metric (0: never stop early)
 * @param seed        batch order and dropout
 */
public record TrainConfig(double lr, double weightDecay, double warmup, int steps, int batchSize, double clip,
                          int evalEvery, int patience, long seed) {
    public TrainConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new LorankException("--lr: " + lr + " is not allowed; expected a finite learning rate > 0");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new LorankException("--weight-decay: " + weightDecay + " is not allowed; expected >= 0");
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new LorankException("--warmup: " + warmup + " is not allowed; expected a fraction in [0, 1)");
        }
        if (steps < 1) {
            throw new LorankException("--steps: " + steps + " is not allowed; expected >= 1");
        }
        if (batchSize < 1) {
            throw new LorankException("--batch-size: " + batchSize + " is not allowed; expected >= 1");
        }
        if (!(clip > 0)) {
            throw new LorankException("--clip: " + clip + " is not allowed; expected a norm > 0");
        }
        if (evalEvery < 1) {
            throw new LorankException("--eval-every: " + evalEvery + " is not allowed; expected >= 1");
        }
        if (patience < 0) {
            throw new LorankException("--patience: " + patience + " is not allowed; expected >= 0 (0: no early stop)");
        }
    }

    /** lr 1e-3 (LoRA), no decay, 6 % warm-up, 200 steps of 8, clip 1, dev every 20 steps, patience 5. */
    public static TrainConfig defaults() {
        return new TrainConfig(1e-3, 0, 0.06, 200, 8, 1.0, 20, 5, 42);
    }

    public TrainConfig withSteps(int n) {
        return new TrainConfig(lr, weightDecay, warmup, n, batchSize, clip, evalEvery, patience, seed);
    }

    public TrainConfig withLr(double x) {
        return new TrainConfig(x, weightDecay, warmup, steps, batchSize, clip, evalEvery, patience, seed);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(lr, weightDecay, warmup, steps, batchSize, clip, evalEvery, patience, s);
    }

    public TrainConfig withEvalEvery(int n) {
        return new TrainConfig(lr, weightDecay, warmup, steps, batchSize, clip, n, patience, seed);
    }

    /** The learning rate at step t = 1..steps: linear warm-up over ⌈warmup·steps⌉ steps, then linear decay to 0. */
    public double lrAt(int t) {
        int w = (int) Math.ceil(warmup * steps);
        if (t <= w) {
            return lr * t / w;
        }
        return lr * Math.max(0, (double) (steps - t + 1) / (steps - w));
    }
}
