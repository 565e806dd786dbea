package io.lorank.head;

import io.lorank.probe.LinearProbe;
import io.lorank.probe.Metrics;
import io.lorank.probe.ProbeFit;

import java.util.List;

/**
 * Fits the linear-probe head on the k-shot train features and picks its L2 strength λ on the k-shot dev set (never
 * on test): for each λ in {@link #LAMBDAS}, fit on train, score dev accuracy; the best dev accuracy wins, ties go to
 * the larger λ (the simpler model). The returned probe is the one fitted on train alone with that λ.
 */
public final class ProbeTrainer {
    /** λ grid for unit-norm features: from nearly unregularized to strongly shrunk. */
    public static final List<Double> LAMBDAS = List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0);

    /** The fitted probe, the λ chosen and the dev accuracy of each λ (in {@link #LAMBDAS} order). */
    public record Result(ProbeFit fit, double lambda, double[] devAccuracy) {
    }

    private ProbeTrainer() {
    }

    public static Result fit(double[][] trainX, int[] trainY, double[][] devX, int[] devY, int numClasses) {
        double[] devAcc = new double[LAMBDAS.size()];
        ProbeFit best = null;
        double bestLambda = Double.NaN;
        double bestAcc = -1;
        for (int i = 0; i < LAMBDAS.size(); i++) {
            double lambda = LAMBDAS.get(i);
            LinearProbe.Config cfg = new LinearProbe.Config(lambda, 1e-10, 100);
            ProbeFit fit = LinearProbe.fit(trainX, trainY, numClasses, cfg);
            devAcc[i] = devX.length == 0 ? 0 : Metrics.accuracy(fit.predict(devX), devY);
            if (devAcc[i] >= bestAcc) {
                bestAcc = devAcc[i];
                best = fit;
                bestLambda = lambda;
            }
        }
        return new Result(best, bestLambda, devAcc);
    }
}
