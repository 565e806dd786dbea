package io.lorank.entk;

import io.lorank.util.MeanStd;

import java.util.List;

/**
 * What {@link LinearizedFineTuning#run} measured.
 *
 * @param model       model name
 * @param task        task name
 * @param metric      the task's metric name (accuracy, f1, mcc)
 * @param examples    N train examples (per seed; LM-BFF splits are balanced)
 * @param outputs     K
 * @param targets     target module names
 * @param paper1Rank  smallest r with r(r+1)/2 &gt; KN
 * @param paper2Rank  smallest r with Σ_l r(m_l + n_l) − r² &gt; C*·KN (null: unattainable)
 * @param sqrt2kn     √(2KN)
 * @param testSize    test examples scored (same for every seed)
 * @param seeds       per seed and λ, the rows
 * @param summary     per λ fraction and row label, mean ± std over seeds
 * @param seconds     wall time
 */
public record LinearizedReport(String model, String task, String metric, int examples, int outputs,
                               List<String> targets, int paper1Rank, Integer paper2Rank, double sqrt2kn, int testSize,
                               List<SeedRun> seeds, List<Summary> summary, double seconds) {

    /**
     * One solve (a LoRA rank, the convex optimum, or the zero-shot head at ΔW = 0).
     *
     * @param label        "zero-shot", "convex" or "r=R"
     * @param rank         LoRA rank (0 for zero-shot, −1 for convex)
     * @param objective    train objective (LoRA: F + λ/2(‖A‖² + ‖B‖²); convex: F + λ Σ‖ΔW‖_*)
     * @param gapToConvex  objective − convex objective (NaN for the convex row and zero-shot)
     * @param verdict      certificate verdict (convex row: solver status)
     * @param relativeGap  certificate's relative duality gap
     * @param gapToBestDual (objective − D*) / |objective| with D* the best dual value of every certificate of this seed
     *                     and λ (LoRA rows and the convex row): a lower bound on the convex optimum by weak duality, so
     *                     this bounds how far the row is from the global optimum even where its own dual point,
     *                     built from its own residual, is looser (NaN for zero-shot and non-finite rows)
     * @param iterations   solver iterations
     * @param testAccuracy test accuracy
     * @param testMetric   test metric of the task
     * @param curve        objective per iteration
     */
    public record Row(String label, int rank, double objective, double gapToConvex, String verdict,
                      double relativeGap, double gapToBestDual, int iterations, double testAccuracy, double testMetric,
                      double[] curve) {
    }

    /**
     * One seed at one λ: its λ_max, λ and rows, the smallest certified requested rank (−1: none), and the rank of
     * the convex solution per target (singular values the SVT kept: exact zeros elsewhere).
     */
    public record SeedRun(int seed, double lambdaFraction, double lambdaMax, double lambda, int minimalCertifiedRank,
                          int[] convexRanks, List<Row> rows, double trainFactorMiB, double extractSeconds) {
    }

    /**
     * Mean ± std over seeds of one row label at one λ fraction; certified = fraction of seeds certified;
     * withinBestDual = fraction of seeds whose {@link Row#gapToBestDual} is within the certificate's gap tolerance.
     */
    public record Summary(double lambdaFraction, String label, MeanStd objective, MeanStd gapToConvex,
                          MeanStd testMetric, double certifiedFraction, double withinBestDualFraction,
                          MeanStd minimalCertifiedRank) {
    }
}
