package io.lorank.finetune;

import java.util.List;

/**
 * What a run did.
 *
 * @param losses      training loss per step run
 * @param devCurve    (step, dev metric) at each evaluation, step counted after the update
 * @param bestStep    the step whose state was kept (−1 without a dev metric: the last state is kept)
 * @param bestDev     dev metric of the kept state (NaN without one)
 * @param stoppedEarly whether early stopping ended the run before {@link TrainerConfig#steps}
 * @param seconds     wall time
 */
public record TrainResult(double[] losses, List<double[]> devCurve, int bestStep, double bestDev,
                          boolean stoppedEarly, double seconds) {
}
