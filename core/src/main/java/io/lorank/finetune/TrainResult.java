package io.lorank.finetune;

import java.util.List;

/**
 * What a fine-tuning run did.
 *
 * @param losses       training loss per step (mean cross-entropy of the step's batch), steps 1..stepsRun
 * @param dev          dev evaluations in step order
 * @param bestStep     step whose state was kept (best dev metric; the last step when there is no dev split)
 * @param bestDev      its dev metric (NaN without a dev split)
 * @param stepsRun     steps taken (fewer than configured after an early stop)
 * @param stoppedEarly whether patience ran out
 * @param seconds      wall time of the training loop, evaluations included
 */
public record TrainResult(List<Double> losses, List<DevPoint> dev, int bestStep, double bestDev, int stepsRun,
                          boolean stoppedEarly, double seconds) {
    /** One dev evaluation: the task metric after {@code step} steps. */
    public record DevPoint(int step, double metric) {
    }
}
