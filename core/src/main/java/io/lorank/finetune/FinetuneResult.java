package io.lorank.finetune;

import io.lorank.util.MeanStd;

import java.util.List;
import java.util.Map;

/**
 * A fine-tuning run over seeds.
 *
 * @param model   the encoder's name
 * @param task    the task
 * @param method  {@code lora-r<R>} or {@code full}
 * @param perSeed one result per seed that trained to the end, in seed order
 * @param test    test metric (the task's: accuracy, F1 or MCC), mean ± sample std over those seeds
 * @param failed  the seeds whose loss became NaN or infinite (nothing written for them), in seed order
 * @param seconds wall time of the whole run
 */
public record FinetuneResult(String model, String task, String method, List<Seed> perSeed, MeanStd test,
                             List<Failure> failed, double seconds) {
    /** A seed that stopped: its split seed and the trainer's one-line message (step, last finite loss). */
    public record Failure(int seed, String message) {
    }

    /**
     * @param seed          split seed
     * @param train         the trainer's record (losses, dev curve, best step)
     * @param testAccuracy  test accuracy at the kept state
     * @param testMetric    the task's test metric there
     * @param deltaRatio    ‖ΔW_l‖_F / ‖W0_l‖_F per target (LoRA: its targets; full: query and value)
     * @param adapterWritten whether seed-S/adapter/ was written
     * @param diagnostics   the kernel-regime diagnostics; null when not asked for
     */
    public record Seed(int seed, TrainResult train, double testAccuracy, double testMetric,
                       Map<String, Double> deltaRatio, boolean adapterWritten, KernelDiagnostics.Result diagnostics) {
        /** Without diagnostics. */
        public Seed(int seed, TrainResult train, double testAccuracy, double testMetric,
                    Map<String, Double> deltaRatio, boolean adapterWritten) {
            this(seed, train, testAccuracy, testMetric, deltaRatio, adapterWritten, null);
        }
    }
}
