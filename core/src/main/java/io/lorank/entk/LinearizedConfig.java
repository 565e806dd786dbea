package io.lorank.entk;

import io.lorank.LorankException;
import io.lorank.data.FewShotSampler;
import io.lorank.encoder.TargetSelection;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code lorank linearized} run (library entry: {@link LinearizedFineTuning#run}), validated.
 *
 * @param model           NAME_OR_PATH of the encoder
 * @param task            registered task name or task file
 * @param head            embedding, probe or mlm
 * @param binary          single logit z₁ − z₀ (K = 1, logistic loss) instead of K logits (softmax cross-entropy)
 * @param targets         {@link TargetSelection} spec, e.g. {@code query,value} or {@code last-layer}
 * @param shots           k per class (≥ 1)
 * @param seeds           LM-BFF split seeds
 * @param data            data folder; null: {@code ../shared/data}
 * @param testCap         test examples kept (0: all; LM-Kernel-FT: 1000)
 * @param ranks           LoRA ranks (each ≥ 1); empty: 1, 2, 4, 8 and both papers' thresholds
 * @param lambdaFractions λ as fractions of λ_max = ‖∇F(0)‖_op, each in (0, 1]
 * @param loraIterations  LoRA iteration budget per solve
 * @param loraMethod      LoRA solver: LBFGS (default) or GD (Barzilai–Borwein steps; to compare optimizers)
 * @param convexIterations convex (FISTA + SVT) budget per λ and seed
 * @param chunk           examples per forward in factor extraction (memory bound)
 * @param maxLength       tokens per input
 * @param factorDtype     train factors in fp32 (default) or rounded to bf16 (half the cache; test factors stay fp32)
 * @param out             folder for config.json and results.json; null: write nothing
 */
public record LinearizedConfig(String model, String task, HeadKind head, boolean binary, String targets, int shots,
                               List<Integer> seeds, Path data, int testCap, List<Integer> ranks,
                               List<Double> lambdaFractions, int loraIterations,
                               io.lorank.linearized.solvers.LoraSolverConfig.Method loraMethod, int convexIterations,
                               int chunk, int maxLength, FactorDtype factorDtype, Path out) {
    public LinearizedConfig {
        seeds = io.lorank.data.FewShotOptions.check("linearized", model, task, head, shots, seeds);
        ranks = List.copyOf(ranks == null ? List.of() : ranks);
        for (int r : ranks) {
            if (r <= 0) {
                throw new LorankException("--ranks: " + r + " is not allowed; expected LoRA ranks >= 1");
            }
        }
        if (lambdaFractions == null || lambdaFractions.isEmpty()) {
            throw new LorankException("--lambda-fraction: empty; expected fractions of lambda_max in (0, 1], e.g. 0.05");
        }
        lambdaFractions = List.copyOf(lambdaFractions);
        for (double f : lambdaFractions) {
            if (!(f > 0 && f <= 1)) {
                throw new LorankException("--lambda-fraction: " + f + " is not allowed; expected a fraction of lambda_max in (0, 1]");
            }
        }
        if (loraIterations < 1 || convexIterations < 1) {
            throw new LorankException("--lora-iter / --convex-iter: " + loraIterations + " / " + convexIterations
                    + " are not allowed; expected >= 1");
        }
        if (factorDtype == null) {
            factorDtype = FactorDtype.FP32;
        }
        if (loraMethod == null) {
            loraMethod = io.lorank.linearized.solvers.LoraSolverConfig.Method.LBFGS;
        }
        if (loraMethod != io.lorank.linearized.solvers.LoraSolverConfig.Method.LBFGS
                && loraMethod != io.lorank.linearized.solvers.LoraSolverConfig.Method.GD) {
            throw new LorankException("--lora-method: " + loraMethod + " is not allowed; expected lbfgs or gd (full-batch methods)");
        }
        ExtractionOptions.check(testCap, chunk, maxLength);
        if (targets == null || targets.isBlank()) {
            targets = TargetSelection.DEFAULT;
        }
    }

    /** Defaults: query,value, 16 shots, LM-BFF's seeds, test capped at 1,000, default ranks, λ = 0.05·λ_max. */
    public static LinearizedConfig defaults(String model, String task, HeadKind head) {
        return new LinearizedConfig(model, task, head, false, TargetSelection.DEFAULT, 16, FewShotSampler.DEFAULT_SEEDS,
                null, FewShotSampler.TEST_CAP, List.of(), List.of(0.05), 2000,
                io.lorank.linearized.solvers.LoraSolverConfig.Method.LBFGS, 3000, FactorExtractor.DEFAULT_CHUNK,
                Backbone.DEFAULT_MAX_LENGTH, FactorDtype.FP32, null);
    }

    /** Scale of the embedding prompt head. */
    public double scale() {
        return FeatureHead.DEFAULT_SCALE;
    }
}
