package io.lorank.entk;

import io.lorank.data.Example;
import io.lorank.data.FewShotSplit;
import io.lorank.data.Task;
import io.lorank.encoder.LinearTarget;
import io.lorank.encoder.TargetSelection;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.ClassifierHead;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;
import io.lorank.head.MlmPromptHead;
import io.lorank.head.PooledFeatures;
import io.lorank.head.ProbeTrainer;
import io.lorank.linearized.Certificate;
import io.lorank.linearized.CertificateConfig;
import io.lorank.linearized.CompactSvd;
import io.lorank.linearized.FactoredOperators;
import io.lorank.linearized.GradientFactors;
import io.lorank.linearized.LinearizedProblem;
import io.lorank.linearized.MeasurementOperator;
import io.lorank.linearized.Loss;
import io.lorank.linearized.RankBounds;
import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.probe.Metrics;
import io.lorank.util.MeanStd;
import io.lorank.util.Progress;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Linearized fine-tuning on a real task: per seed, the train split's {@link GradientFactors} at W0 give the
 * {@link LinearizedProblem} min F(f0 + 𝒜(ΔW)) + λ‖ΔW‖_* (λ a fraction of λ_max); LoRA (ΔW = B A, the problem's
 * own parametrization: a trained adapter with scaling α/r has B_adapter A = (r/α)·ΔW) is solved at each rank and
 * certified against the convex optimum; then every solution is scored on the test split in one streamed pass over
 * the test factors (chunks of examples, never all test gradients in memory). Library entry point of
 * {@code lorank linearized}: no printing, no CLI.
 */
public final class LinearizedFineTuning {
    /** Relative duality gap at which the convex solve stops (the certificate asks for 1e-6). */
    static final double CONVEX_GAP = 1e-7;

    /** Test examples per streamed chunk. */
    static final int TEST_CHUNK = 32;

    private LinearizedFineTuning() {
    }

    /** A solution to score: ΔW_l = B_l A_l (ΔW = 0 for zero-shot). */
    private record Solution(int seedIndex, int fraction, String label, DMatrixRMaj[] b, DMatrixRMaj[] a) {
    }

    /** A seed's rows before test scoring. */
    private record Pending(int seed, double fraction, double lambdaMax, double lambda, List<LinearizedReport.Row> rows,
                           int[] convexRanks, double mib, double extractSeconds) {
    }

    public static LinearizedReport run(LinearizedConfig cfg) {
        long start = System.nanoTime();
        Task task = Evaluation.resolveTask(cfg.task());
        Path data = Evaluation.resolveData(task, cfg.data());
        List<FewShotSplit> splits = SeedSplits.load(task, data, cfg.binary(), cfg.shots(), cfg.seeds(), cfg.testCap());
        try (LoadedModel lm = LoadedModel.load(cfg.model(), cfg.maxLength())) {
            Backbone bb = lm.backbone();
            String modelSha = lm.sha256();
            SeedSplits.requireHead(bb, cfg.head());
            List<LinearTarget> targets = TargetSelection.select(bb.encoder().targets(), cfg.targets());
            int k = cfg.binary() ? 1 : task.numClasses();
            List<Pending> pending = new ArrayList<>();
            List<Solution> solutions = new ArrayList<>();
            int testSize = splits.get(0).test().size();
            int n = splits.get(0).train().size();
            List<int[]> predictions = new ArrayList<>(); // per solution, test predictions
            if (cfg.head() == HeadKind.PROBE) {
                PooledFeatures f = new PooledFeatures(bb, task, PooledFeatures.Input.TEXT);
                for (int si = 0; si < splits.size(); si++) {
                    FewShotSplit s = splits.get(si);
                    ProbeTrainer.Result fit = ProbeTrainer.fit(f.features(s.train()), labels(s.train()),
                            f.features(s.dev()), labels(s.dev()), task.numClasses());
                    try (FeatureHead head = FeatureHead.probe(f, fit.fit())) {
                        List<Solution> mine = new ArrayList<>();
                        solveSeed(cfg, head, bb, modelSha, task, targets, s, si, pending, mine);
                        predictions.addAll(score(head, bb, targets, cfg, s.test(), mine));
                        solutions.addAll(mine);
                    }
                }
            } else {
                try (ClassifierHead head = cfg.head() == HeadKind.MLM ? new MlmPromptHead(bb, task)
                        : FeatureHead.embedding(bb, task, cfg.scale())) {
                    for (int si = 0; si < splits.size(); si++) {
                        solveSeed(cfg, head, bb, modelSha, task, targets, splits.get(si), si, pending, solutions);
                    }
                    predictions.addAll(score(head, bb, targets, cfg, splits.get(0).test(), solutions));
                }
            }
            int[] gold = labels(splits.get(0).test());
            // attach test metrics to rows: solutions and rows are in the same order per pending entry
            List<LinearizedReport.SeedRun> runs = new ArrayList<>();
            int si = 0;
            for (Pending p : pending) {
                List<LinearizedReport.Row> rows = new ArrayList<>();
                int minimal = -1;
                for (LinearizedReport.Row r : p.rows()) {
                    int[] pred = predictions.get(si++);
                    rows.add(new LinearizedReport.Row(r.label(), r.rank(), r.objective(), r.gapToConvex(), r.verdict(),
                            r.relativeGap(), r.gapToBestDual(), r.iterations(), Metrics.accuracy(pred, gold),
                            Metrics.score(task.metric(), pred, gold), r.curve()));
                    if (r.rank() > 0 && Certificate.Verdict.CERTIFIED_GLOBAL.name().equals(r.verdict())
                            && (minimal < 0 || r.rank() < minimal)) {
                        minimal = r.rank();
                    }
                }
                runs.add(new LinearizedReport.SeedRun(p.seed(), p.fraction(), p.lambdaMax(), p.lambda(), minimal,
                        p.convexRanks(), rows,
                        p.mib(), p.extractSeconds()));
            }
            long kn = (long) k * n;
            List<io.lorank.linearized.TargetShape> shapes = targets.stream()
                    .map(t -> new io.lorank.linearized.TargetShape(t.name(), t.out(), t.in())).toList();
            return new LinearizedReport(bb.name(), task.name(), task.metric().name().toLowerCase(java.util.Locale.ROOT),
                    n, k, targets.stream().map(LinearTarget::name).toList(), (int) RankBounds.paper1Rank(kn),
                    RankBounds.paper2Rank(shapes, RankBounds.DEFAULT_CSTAR * kn), Math.sqrt(2.0 * kn), testSize,
                    runs, summarize(cfg, runs), (System.nanoTime() - start) / 1e9);
        }
    }

    /** The ranks to solve: the requested ones, or 1, 2, 4, 8 and both papers' thresholds. */
    static List<Integer> ranks(LinearizedConfig cfg, int n, int k, List<LinearTarget> targets) {
        if (!cfg.ranks().isEmpty()) {
            return new ArrayList<>(new TreeSet<>(cfg.ranks()));
        }
        TreeSet<Integer> r = new TreeSet<>(List.of(1, 2, 4, 8));
        long kn = (long) n * k;
        r.add((int) RankBounds.paper1Rank(kn));
        Integer p2 = RankBounds.paper2Rank(targets.stream()
                .map(t -> new io.lorank.linearized.TargetShape(t.name(), t.out(), t.in())).toList(), RankBounds.DEFAULT_CSTAR * kn);
        if (p2 != null) {
            r.add(p2);
        }
        return new ArrayList<>(r);
    }

    private static void solveSeed(LinearizedConfig cfg, ClassifierHead head, Backbone bb, String modelSha, Task task,
                                  List<LinearTarget> targets, FewShotSplit s, int si, List<Pending> pending,
                                  List<Solution> solutions) {
        long t0 = System.nanoTime();
        FactorExtractor ex = new FactorExtractor(head, bb.encoder(), targets, cfg.binary(), cfg.chunk(),
                FactorExtractor.Mode.REPEAT_BATCH);
        java.util.function.Supplier<FactorExtractor.Extraction> extract = () -> {
            FactorExtractor.Extraction x = ex.extract(s.train(), "seed " + s.seed() + " train");
            return cfg.factorDtype() == FactorDtype.BF16
                    ? new FactorExtractor.Extraction(x.factors().roundedToBf16(), x.f0()) : x;
        };
        // the probe head is fitted per seed, so its factors are not cached (its weights are not in the key)
        java.util.Optional<FactorCache> cache = cfg.head() == HeadKind.PROBE ? java.util.Optional.empty() : FactorCache.configured();
        FactorExtractor.Extraction train = cache.isEmpty() ? extract.get() : cache.get().getOrExtract(
                FactorCache.Key.of(modelSha, task.name(), cfg.shots(), s.seed(), s.train(), targets,
                        headKey(cfg.head(), cfg.binary(), cfg.scale()), ex.outputs(), bb.maxLength(), cfg.factorDtype()),
                extract, null);
        double extractSeconds = (System.nanoTime() - t0) / 1e9;
        GradientFactors f = train.factors();
        int k = f.outputs();
        int n = f.examples();
        double[] f0 = new double[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(train.f0()[i], 0, f0, i * k, k);
        }
        int[] y = labels(s.train());
        Loss loss = cfg.binary() ? new Loss.Logistic(ClassifierHead.signedLabels(y)) : new Loss.SoftmaxCrossEntropy(y, k);
        MeasurementOperator op = FactoredOperators.fastest(f);
        try {
            solveProblems(cfg, s, si, pending, solutions, targets, f, f0, loss, op, extractSeconds);
        } finally {
            FactoredOperators.close(op);
        }
    }

    private static void solveProblems(LinearizedConfig cfg, FewShotSplit s, int si, List<Pending> pending,
                                      List<Solution> solutions, List<LinearTarget> targets, GradientFactors f,
                                      double[] f0, Loss loss, MeasurementOperator op, double extractSeconds) {
        int k = f.outputs();
        int n = f.examples();
        LinearizedProblem base = new LinearizedProblem(op, f0, loss, 1.0);
        double lambdaMax = base.lambdaMax();
        List<Integer> ranks = ranks(cfg, n, k, targets);
        for (int fi = 0; fi < cfg.lambdaFractions().size(); fi++) {
            double fraction = cfg.lambdaFractions().get(fi);
            LinearizedProblem p = base.withLambda(fraction * lambdaMax);
            List<LinearizedReport.Row> rows = new ArrayList<>();
            DMatrixRMaj[] zeroB = new DMatrixRMaj[targets.size()];
            DMatrixRMaj[] zeroA = new DMatrixRMaj[targets.size()];
            for (int l = 0; l < targets.size(); l++) {
                zeroB[l] = new DMatrixRMaj(targets.get(l).out(), 1);
                zeroA[l] = new DMatrixRMaj(1, targets.get(l).in());
            }
            double zeroObjective = p.convexObjective(p.zeroUpdate());
            rows.add(new LinearizedReport.Row("zero-shot", 0, zeroObjective, Double.NaN, "-", Double.NaN, Double.NaN, 0,
                    Double.NaN, Double.NaN, new double[0]));
            solutions.add(new Solution(si, fi, "zero-shot", zeroB, zeroA));
            // LoRA first (L-BFGS), then the convex solve warm-started from the best LoRA point: FISTA + SVT from
            // ΔW = 0 needs thousands of iterations at 12 × 384², from a near-optimal point a few; its own duality-gap
            // stop certifies its output whatever the start.
            List<LoraResult> lora = new ArrayList<>();
            try (Progress pr = Progress.start("seed " + s.seed() + " LoRA ranks " + ranks, ranks.size())) {
                for (int r : ranks) {
                    LoraResult res = LoraSolver.solve(p, LoraSolverConfig.defaults(r)
                            .withMethod(cfg.loraMethod(), 1.0)
                            .withMaxIterations(cfg.loraIterations()).withSeed(s.seed()));
                    note(String.format(java.util.Locale.ROOT, "seed %d λ/λmax %.3g LoRA r=%d: %s after %d iterations, %.1f s",
                            s.seed(), fraction, r, res.status(), res.iterations(), res.seconds()));
                    lora.add(res);
                    pr.step();
                }
            }
            LoraResult warm = lora.stream().filter(res -> res.point().isFinite())
                    .min(java.util.Comparator.comparingDouble(LoraResult::objective)).orElse(null);
            ConvexResult convex;
            try (Progress pr = Progress.start("seed " + s.seed() + " convex", 1)) {
                // stop at a relative gap 10x tighter than the certificate's (1e-6): tighter buys nothing there
                convex = ConvexSolver.solve(p, ConvexConfig.defaults().withGapTolerance(CONVEX_GAP)
                        .withMaxIterations(cfg.convexIterations()), warm == null ? p.zeroUpdate() : warm.point().product());
                pr.step();
            }
            note(String.format(java.util.Locale.ROOT, "seed %d λ/λmax %.3g convex (from %s): %s after %d iterations, %.1f s (%.3f s/iteration)",
                    s.seed(), fraction, warm == null ? "0" : "LoRA r=" + warm.point().rank(), convex.status(),
                    convex.iterations(), convex.seconds(), convex.seconds() / Math.max(1, convex.iterations())));
            Certificate.Result cc = Certificate.check(p, convex.update(), CertificateConfig.defaults(), Double.NaN);
            Certificate.Result[] certs = new Certificate.Result[ranks.size()];
            double bestDual = cc.dualValue(); // weak duality: every dual value bounds the convex optimum from below
            for (int ri = 0; ri < ranks.size(); ri++) {
                if (lora.get(ri).point().isFinite()) {
                    certs[ri] = Certificate.check(p, lora.get(ri).point(), CertificateConfig.defaults(), convex.objective());
                    bestDual = Math.max(bestDual, certs[ri].dualValue());
                }
            }
            rows.add(new LinearizedReport.Row("convex", -1, convex.objective(), Double.NaN,
                    convex.status().name() + "/" + cc.verdict().name(), cc.relativeGap(),
                    relativeTo(convex.objective(), bestDual), convex.iterations(), Double.NaN, Double.NaN, convex.curve()));
            solutions.add(lowRank(si, fi, "convex", convex.update()));
            for (int ri = 0; ri < ranks.size(); ri++) {
                int r = ranks.get(ri);
                LoraResult res = lora.get(ri);
                Certificate.Result cert = certs[ri];
                if (cert == null) { // non-finite: reported, never certified
                    rows.add(new LinearizedReport.Row("r=" + r, r, res.objective(), Double.NaN, "NON_FINITE",
                            Double.NaN, Double.NaN, res.iterations(), Double.NaN, Double.NaN, res.curve()));
                    solutions.add(new Solution(si, fi, "r=" + r, zeroB, zeroA));
                    continue;
                }
                rows.add(new LinearizedReport.Row("r=" + r, r, res.objective(), res.objective() - convex.objective(),
                        cert.verdict().name(), cert.relativeGap(), relativeTo(res.objective(), bestDual), res.iterations(),
                        Double.NaN, Double.NaN, res.curve()));
                solutions.add(new Solution(si, fi, "r=" + r, res.point().b(), res.point().a()));
            }
            pending.add(new Pending(s.seed(), fraction, lambdaMax, p.lambda(), rows, convex.ranks().clone(),
                    f.storedBytes() * (cfg.factorDtype() == FactorDtype.BF16 ? 0.5 : 1.0) / 1048576.0,
                    extractSeconds));
        }
    }

    /** (objective − dual) / |objective|: the relative gap to a dual bound (the LoRA objective bounds the convex one above). */
    static double relativeTo(double objective, double dual) {
        return (objective - dual) / Math.max(Math.abs(objective), 1e-12);
    }

    /** A one-line solver summary on stderr (iterations, time), unless --quiet. */
    private static void note(String line) {
        if (!Progress.quiet()) {
            System.err.println("lorank: " + line);
        }
    }

    /** The head part of a factor-cache key: kind, binary view and the embedding scale. */
    static String headKey(HeadKind head, boolean binary, double scale) {
        return head.name().toLowerCase(java.util.Locale.ROOT) + (binary ? "/binary" : "")
                + (head == HeadKind.EMBEDDING ? "/scale=" + scale : "");
    }


    /** ΔW as B = U diag(s), A = Vᵀ (rank-1 zero when ΔW_l = 0). */
    private static Solution lowRank(int si, int fi, String label, DMatrixRMaj[] dw) {
        DMatrixRMaj[] b = new DMatrixRMaj[dw.length];
        DMatrixRMaj[] a = new DMatrixRMaj[dw.length];
        for (int l = 0; l < dw.length; l++) {
            CompactSvd svd = CompactSvd.of(dw[l]);
            int r = svd.rank();
            if (r == 0) {
                b[l] = new DMatrixRMaj(dw[l].numRows, 1);
                a[l] = new DMatrixRMaj(1, dw[l].numCols);
                continue;
            }
            b[l] = svd.u().copy();
            for (int i = 0; i < b[l].numRows; i++) {
                for (int j = 0; j < r; j++) {
                    b[l].set(i, j, b[l].get(i, j) * svd.s()[j]);
                }
            }
            a[l] = CommonOps_DDRM.transpose(svd.v(), null);
        }
        return new Solution(si, fi, label, b, a);
    }

    /** Test predictions of every solution, from one streamed pass over the test factors. */
    private static List<int[]> score(ClassifierHead head, Backbone bb, List<LinearTarget> targets, LinearizedConfig cfg,
                                     List<Example> test, List<Solution> sols) {
        FactorExtractor ex = new FactorExtractor(head, bb.encoder(), targets, cfg.binary(), cfg.chunk(),
                FactorExtractor.Mode.REPEAT_BATCH);
        int k = ex.outputs();
        List<int[]> pred = new ArrayList<>();
        for (int j = 0; j < sols.size(); j++) {
            pred.add(new int[test.size()]);
        }
        try (Progress pr = Progress.start("test scoring (" + sols.size() + " solutions)", test.size())) {
            for (int from = 0; from < test.size(); from += TEST_CHUNK) {
                List<Example> part = test.subList(from, Math.min(test.size(), from + TEST_CHUNK));
                FactorExtractor.Extraction x = ex.extract(part, "test", false);
                MeasurementOperator op = FactoredOperators.fastest(x.factors());
                try {
                    for (int j = 0; j < sols.size(); j++) {
                        Solution s = sols.get(j);
                        double[] z = op.applyLowRank(s.b(), s.a());
                        for (int i = 0; i < part.size(); i++) {
                            pred.get(j)[from + i] = predict(x.f0()[i], z, i * k, k);
                        }
                    }
                } finally {
                    FactoredOperators.close(op);
                }
                pr.stepBy(part.size());
            }
        }
        return pred;
    }

    /** Arg-max of f0 + z, or the sign (class 1 when > 0) for one logit. */
    static int predict(double[] f0, double[] z, int off, int k) {
        if (k == 1) {
            return f0[0] + z[off] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < k; c++) {
            if (f0[c] + z[off + c] > f0[best] + z[off + best]) {
                best = c;
            }
        }
        return best;
    }

    private static List<LinearizedReport.Summary> summarize(LinearizedConfig cfg, List<LinearizedReport.SeedRun> runs) {
        List<LinearizedReport.Summary> out = new ArrayList<>();
        for (double fraction : cfg.lambdaFractions()) {
            Map<String, List<LinearizedReport.Row>> by = new LinkedHashMap<>();
            List<Double> minimal = new ArrayList<>();
            for (LinearizedReport.SeedRun r : runs) {
                if (r.lambdaFraction() != fraction) {
                    continue;
                }
                minimal.add((double) r.minimalCertifiedRank());
                for (LinearizedReport.Row row : r.rows()) {
                    by.computeIfAbsent(row.label(), x -> new ArrayList<>()).add(row);
                }
            }
            MeanStd minRank = MeanStd.of(minimal.stream().mapToDouble(Double::doubleValue).toArray());
            by.forEach((label, rows) -> {
                double cert = rows.stream().filter(r -> Certificate.Verdict.CERTIFIED_GLOBAL.name().equals(r.verdict())
                        || r.verdict().endsWith("/" + Certificate.Verdict.CERTIFIED_GLOBAL.name())).count() / (double) rows.size();
                double tol = CertificateConfig.defaults().gapTolerance();
                double withinDual = rows.stream().filter(r -> r.gapToBestDual() <= tol).count() / (double) rows.size();
                out.add(new LinearizedReport.Summary(fraction, label,
                        MeanStd.of(rows.stream().mapToDouble(LinearizedReport.Row::objective).toArray()),
                        MeanStd.of(rows.stream().mapToDouble(LinearizedReport.Row::gapToConvex).toArray()),
                        MeanStd.of(rows.stream().mapToDouble(LinearizedReport.Row::testMetric).toArray()),
                        cert, withinDual, minRank));
            });
        }
        return out;
    }

    static int[] labels(List<Example> examples) {
        return examples.stream().mapToInt(Example::label).toArray();
    }
}
