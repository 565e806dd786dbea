package io.lorank.entk;

import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.encoder.LinearTarget;
import io.lorank.encoder.TargetSelection;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.ClassifierHead;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;
import io.lorank.head.MlmPromptHead;
import io.lorank.kernel.CrossGram;
import io.lorank.kernel.GramPrecision;
import io.lorank.linearized.GradientFactors;
import org.ejml.data.DMatrixRMaj;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code lorank ntk}'s library entry: the train split's gradient factors of one seed and its (N·K)² eNTK,
 * Θ[(i,k),(j,k')] = Σ_l ⟨G_ikl, G_jk'l⟩ (row i·K + k), with f(W0).
 */
public final class NtkExtraction {
    /** One request. */
    public record Config(String model, String task, int seed, int shots, Path data, HeadKind head, boolean binary,
                         String targets, GramPrecision gram, int chunk, int maxLength) {
        public Config {
            if (shots < 1) {
                throw new LorankException("--shots: " + shots + " is not allowed; expected k >= 1");
            }
            if (seed < 0) {
                throw new LorankException("--seed: " + seed + " is not allowed; expected a seed >= 0");
            }
            if (head == HeadKind.PROBE) {
                throw new LorankException("--head probe: not supported by ntk (the probe is fitted per seed); use embedding or mlm");
            }
            if (targets == null || targets.isBlank()) {
                targets = TargetSelection.DEFAULT;
            }
            if (gram == null) {
                gram = GramPrecision.DEFAULT;
            }
        }
    }

    /** The kernel and what it was computed from. */
    public record Result(String model, List<String> ids, int[] labels, int outputs, List<String> targets,
                         double[][] logits, double[][] kernel, long factorBytes, long denseBytes, int tokens,
                         double extractSeconds, double gramSeconds) {
    }

    private NtkExtraction() {
    }

    public static Result run(Config cfg) {
        Task task = Evaluation.resolveTask(cfg.task());
        Path data = Evaluation.resolveData(task, cfg.data());
        if (cfg.binary() && task.numClasses() != 2) {
            throw new LorankException("--binary: task " + task.name() + " has " + task.numClasses() + " classes; needs 2");
        }
        FewShotSplit s = SplitLoader.load(task, data, new SplitLoader.Request(cfg.shots(), cfg.seed(), false));
        try (LoadedModel lm = LoadedModel.load(cfg.model(), cfg.maxLength())) {
            Backbone bb = lm.backbone();
            if (cfg.head() == HeadKind.MLM && !bb.encoder().hasMlmHead()) {
                throw new LorankException("--head mlm: " + bb.name() + " has no masked-LM head; use --head embedding");
            }
            List<LinearTarget> targets = TargetSelection.select(bb.encoder().targets(), cfg.targets());
            try (ClassifierHead head = cfg.head() == HeadKind.MLM ? new MlmPromptHead(bb, task)
                    : FeatureHead.embedding(bb, task, FeatureHead.DEFAULT_SCALE)) {
                long t0 = System.nanoTime();
                FactorExtractor ex = new FactorExtractor(head, bb.encoder(), targets, cfg.binary(), cfg.chunk(),
                        FactorExtractor.Mode.REPEAT_BATCH);
                java.util.function.Supplier<FactorExtractor.Extraction> extract = () -> ex.extract(s.train(), "train");
                FactorExtractor.Extraction x = FactorCache.configured().map(c -> c.getOrExtract(
                        FactorCache.Key.of(lm.sha256(), task.name(), cfg.shots(), cfg.seed(), s.train(), targets,
                                LinearizedFineTuning.headKey(cfg.head(), cfg.binary(), FeatureHead.DEFAULT_SCALE),
                                ex.outputs(), bb.maxLength()), extract, null)).orElseGet(extract);
                long t1 = System.nanoTime();
                GradientFactors f = x.factors();
                DMatrixRMaj theta = CrossGram.of(f, f, null, cfg.gram());
                long t2 = System.nanoTime();
                double[][] k = new double[theta.numRows][theta.numCols];
                for (int i = 0; i < k.length; i++) {
                    for (int j = 0; j < k.length; j++) {
                        k[i][j] = theta.get(i, j);
                    }
                }
                return new Result(bb.name(), s.train().stream().map(Example::id).toList(),
                        s.train().stream().mapToInt(Example::label).toArray(), f.outputs(),
                        targets.stream().map(LinearTarget::name).toList(), x.f0(), k, f.storedBytes(), f.denseBytes(),
                        f.totalTokens(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            }
        }
    }
}
