package io.lorank.entk;

import io.lorank.util.MeanStd;

import java.util.List;
import java.util.Map;

/**
 * What {@link KernelBaselines#run} measured.
 *
 * @param model    model name
 * @param task     task name
 * @param metric   the task's metric name (accuracy, f1, mcc)
 * @param head     head name
 * @param examples N train examples per seed
 * @param outputs  K (1 with --binary)
 * @param targets  target module names
 * @param testSize test examples scored
 * @param rows     per seed, one row per solver and one for the zero-shot head f0
 * @param summary  per solver (and zero-shot), mean ± std over seeds
 * @param seconds  wall time
 */
public record KernelReport(String model, String task, String metric, String head, int examples, int outputs,
                           List<String> targets, int testSize, List<Row> rows, List<Summary> summary, double seconds) {

    /**
     * One seed and solver.
     *
     * @param seed            split seed
     * @param solver          lstsq, logistic, svm, or zero-shot (f0's own prediction)
     * @param testMetric      the task's metric on the test split
     * @param testAccuracy    test accuracy
     * @param trainAccuracy   accuracy of the fit on its own train rows
     * @param details         what the fit found (rank, C, support vectors)
     * @param extractSeconds  train factor extraction of this seed
     * @param kernelSeconds   train Gram plus this seed's share of the streamed cross kernel
     */
    public record Row(int seed, String solver, double testMetric, double testAccuracy, double trainAccuracy,
                      Map<String, Object> details, double extractSeconds, double kernelSeconds) {
    }

    /** Mean ± std over seeds of one solver. */
    public record Summary(String solver, MeanStd testMetric, MeanStd testAccuracy) {
    }
}
