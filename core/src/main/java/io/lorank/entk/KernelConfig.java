package io.lorank.entk;

import io.lorank.LorankException;
import io.lorank.data.FewShotSampler;
import io.lorank.encoder.TargetSelection;
import io.lorank.head.Backbone;
import io.lorank.head.HeadKind;
import io.lorank.kernel.GramPrecision;
import io.lorank.kernel.KernelSolver;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code lorank kernel} run (library entry: {@link KernelBaselines#run}), validated.
 *
 * @param model         NAME_OR_PATH of the encoder
 * @param task          registered task name or task file
 * @param head          embedding, probe or mlm
 * @param binary        single logit z₁ − z₀ (K = 1, ±1 targets, sign rule) instead of K logits (one-hot, arg-max)
 * @param targets       {@link TargetSelection} spec of the Linears whose weights the eNTK differentiates
 * @param shots         k per class (≥ 1)
 * @param seeds         LM-BFF split seeds (distinct, ≥ 0)
 * @param data          data folder; null: {@code ../shared/data}
 * @param testCap       test examples kept (0: all; LM-Kernel-FT: 1000)
 * @param solvers       kernel solvers to fit on each seed's kernel (one kernel computation serves all)
 * @param reg           LM-Kernel-FT's --kernel_regularization: Θ + reg·σ_max·I (0: none, the default)
 * @param adjustForInit fit y − f0 and add f0 back (LM-Kernel-FT's --adjust_for_init; lstsq only, as there)
 * @param gram          arithmetic of the kernel's inner products (fp32 default; fp64 the exact Gram of the factors)
 * @param chunk         examples per forward in factor extraction (memory bound)
 * @param maxLength     tokens per input
 * @param out           folder for config.json and results.json; null: write nothing
 */
public record KernelConfig(String model, String task, HeadKind head, boolean binary, String targets, int shots,
                           List<Integer> seeds, Path data, int testCap, List<KernelSolver.Kind> solvers, double reg,
                           boolean adjustForInit, GramPrecision gram, int chunk, int maxLength, Path out) {
    public KernelConfig {
        seeds = io.lorank.data.FewShotOptions.check("kernel", model, task, head, shots, seeds);
        if (solvers == null || solvers.isEmpty() || solvers.stream().distinct().count() != solvers.size()) {
            throw new LorankException("--solver: " + solvers + " is not allowed; expected distinct solvers from lstsq, logistic, svm");
        }
        solvers = List.copyOf(solvers);
        if (!(reg >= 0) || !Double.isFinite(reg)) {
            throw new LorankException("--reg: " + reg + " is not allowed; expected a fraction of sigma_max >= 0 (0: none)");
        }
        if (adjustForInit) {
            for (KernelSolver.Kind k : solvers) {
                if (!KernelSolver.of(k, 0).fitsResiduals()) {
                    throw new LorankException("--adjust-for-init: not supported by --solver " + k.lowerName()
                            + " (it classifies labels, as in LM-Kernel-FT); use --solver lstsq");
                }
            }
        }
        ExtractionOptions.check(testCap, chunk, maxLength);
        if (gram == null) {
            gram = GramPrecision.DEFAULT;
        }
        if (targets == null || targets.isBlank()) {
            targets = TargetSelection.DEFAULT;
        }
    }

    /** Defaults: query,value, 16 shots, LM-BFF's seeds, test capped at 1,000, least squares, no regularization. */
    public static KernelConfig defaults(String model, String task, HeadKind head) {
        return new KernelConfig(model, task, head, false, TargetSelection.DEFAULT, 16, FewShotSampler.DEFAULT_SEEDS,
                null, FewShotSampler.TEST_CAP, List.of(KernelSolver.Kind.LSTSQ), 0, false, GramPrecision.DEFAULT, FactorExtractor.DEFAULT_CHUNK,
                Backbone.DEFAULT_MAX_LENGTH, null);
    }
}
