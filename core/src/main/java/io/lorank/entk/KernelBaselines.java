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
import io.lorank.kernel.CrossGram;
import io.lorank.kernel.GramPrecision;
import io.lorank.kernel.KernelSolver;
import io.lorank.kernel.KernelTargets;
import io.lorank.linearized.GradientFactors;
import io.lorank.probe.Metrics;
import io.lorank.util.MeanStd;
import io.lorank.util.Progress;
import org.ejml.data.DMatrixRMaj;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LM-Kernel-FT's kernel baselines on a real task: per seed, the k-shot train split's {@link GradientFactors} at W0
 * give the train eNTK Θ [N·K, N·K]; the test split is streamed in blocks of {@link #TEST_BLOCK} examples (factors
 * of one block at a time, never all test gradients in memory), each block's cross kernel Θ(test, train) computed
 * against every seed's train factors ({@link CrossGram}); then each solver is fitted on Θ and scores the test rows.
 * One test pass serves all seeds when the head does not depend on the seed (embedding, mlm) and the seeds share
 * their test set (LM-BFF's splits do); the probe head is fitted per seed, so it gets one pass per seed.
 * Library entry point of {@code lorank kernel}: no printing, no CLI.
 */
public final class KernelBaselines {
    /** Test examples per streamed block (memory: their factors and, per thread, one target's dense G). */
    static final int TEST_BLOCK = 64;

    private KernelBaselines() {
    }

    /** A seed's train side: its factors, Gram, f0 and labels. */
    private record Train(FewShotSplit split, GradientFactors factors, DMatrixRMaj gram, double[] f0, int[] labels,
                         double extractSeconds, double gramSeconds) {
    }

    /** A seed's test side after the streamed pass: cross kernel [M·K, N·K], f0 [M·K]. */
    private record Test(DMatrixRMaj cross, double[] f0, double seconds) {
    }

    public static KernelReport run(KernelConfig cfg) {
        long start = System.nanoTime();
        Task task = Evaluation.resolveTask(cfg.task());
        Path data = Evaluation.resolveData(task, cfg.data());
        List<FewShotSplit> splits = SeedSplits.load(task, data, cfg.binary(), cfg.shots(), cfg.seeds(), cfg.testCap());
        try (Backbone bb = Backbone.load(cfg.model(), cfg.maxLength())) {
            SeedSplits.requireHead(bb, cfg.head());
            List<LinearTarget> targets = TargetSelection.select(bb.encoder().targets(), cfg.targets());
            List<KernelReport.Row> rows = new ArrayList<>();
            if (cfg.head() == HeadKind.PROBE) {
                PooledFeatures f = new PooledFeatures(bb, task, PooledFeatures.Input.TEXT);
                for (FewShotSplit s : splits) {
                    ProbeTrainer.Result fit = ProbeTrainer.fit(f.features(s.train()), labels(s.train()),
                            f.features(s.dev()), labels(s.dev()), task.numClasses());
                    try (FeatureHead head = FeatureHead.probe(f, fit.fit())) {
                        rows.addAll(group(cfg, task, head, bb, targets, List.of(s)));
                    }
                }
            } else {
                try (ClassifierHead head = cfg.head() == HeadKind.MLM ? new MlmPromptHead(bb, task)
                        : FeatureHead.embedding(bb, task, FeatureHead.DEFAULT_SCALE)) {
                    for (List<FewShotSplit> g : sameTest(splits)) {
                        rows.addAll(group(cfg, task, head, bb, targets, g));
                    }
                }
            }
            int k = cfg.binary() ? 1 : task.numClasses();
            return new KernelReport(bb.name(), task.name(), task.metric().name().toLowerCase(Locale.ROOT),
                    cfg.head().lowerName(), splits.get(0).train().size(), k,
                    targets.stream().map(LinearTarget::name).toList(), splits.get(0).test().size(), rows,
                    summarize(rows), (System.nanoTime() - start) / 1e9);
        }
    }

    /** Splits grouped by identical test sets (same ids in the same order), in seed order. */
    private static List<List<FewShotSplit>> sameTest(List<FewShotSplit> splits) {
        Map<List<String>, List<FewShotSplit>> by = new LinkedHashMap<>();
        for (FewShotSplit s : splits) {
            by.computeIfAbsent(s.test().stream().map(Example::id).toList(), x -> new ArrayList<>()).add(s);
        }
        return new ArrayList<>(by.values());
    }

    /** Rows of the seeds in {@code g}, which share one head and one test set. */
    private static List<KernelReport.Row> group(KernelConfig cfg, Task task, ClassifierHead head, Backbone bb,
                                                List<LinearTarget> targets, List<FewShotSplit> g) {
        FactorExtractor ex = new FactorExtractor(head, bb.encoder(), targets, cfg.binary(), cfg.chunk(),
                FactorExtractor.Mode.REPEAT_BATCH);
        int k = ex.outputs();
        List<Train> trains = new ArrayList<>();
        for (FewShotSplit s : g) {
            long t0 = System.nanoTime();
            FactorExtractor.Extraction x = ex.extract(s.train(), "seed " + s.seed() + " train");
            long t1 = System.nanoTime();
            DMatrixRMaj gram = CrossGram.of(x.factors(), x.factors(), null, cfg.gram());
            long t2 = System.nanoTime();
            trains.add(new Train(s, x.factors(), gram, flatten(x.f0(), k), labels(s.train()), (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9));
        }
        List<Test> tests = streamTest(ex, g.get(0).test(), trains, k, cfg.gram());
        int[] gold = labels(g.get(0).test());
        List<KernelReport.Row> rows = new ArrayList<>();
        for (int si = 0; si < trains.size(); si++) {
            Train tr = trains.get(si);
            Test te = tests.get(si);
            double kernelSeconds = tr.gramSeconds() + te.seconds();
            int[] zero = KernelTargets.predict(te.f0(), k);
            int[] zeroTrain = KernelTargets.predict(tr.f0(), k);
            rows.add(new KernelReport.Row(tr.split().seed(), "zero-shot", Metrics.score(task.metric(), zero, gold),
                    Metrics.accuracy(zero, gold), Metrics.accuracy(zeroTrain, tr.labels()), Map.of(),
                    tr.extractSeconds(), kernelSeconds));
            double[] y = KernelTargets.of(tr.labels(), k, task.numClasses());
            for (KernelSolver.Kind kind : cfg.solvers()) {
                KernelSolver solver = KernelSolver.of(kind, cfg.reg());
                double[] fitY = cfg.adjustForInit() ? KernelTargets.minus(y, tr.f0()) : y;
                KernelSolver.Fit fit = solver.fit(tr.gram(), fitY);
                double[] scores = fit.scores(te.cross());
                double[] trainScores = fit.scores(tr.gram());
                if (cfg.adjustForInit()) {
                    scores = KernelTargets.plus(scores, te.f0());
                    trainScores = KernelTargets.plus(trainScores, tr.f0());
                }
                int[] pred = KernelTargets.predict(scores, k);
                rows.add(new KernelReport.Row(tr.split().seed(), kind.lowerName(), Metrics.score(task.metric(), pred, gold),
                        Metrics.accuracy(pred, gold), Metrics.accuracy(KernelTargets.predict(trainScores, k), tr.labels()),
                        fit.details(), tr.extractSeconds(), kernelSeconds));
            }
        }
        return rows;
    }

    /** One streamed pass over the test examples: per seed, the cross kernel [M·K, N·K] and f0 [M·K]. */
    private static List<Test> streamTest(FactorExtractor ex, List<Example> test, List<Train> trains, int k,
                                         GramPrecision precision) {
        int m = test.size();
        DMatrixRMaj[] cross = new DMatrixRMaj[trains.size()];
        double[] seconds = new double[trains.size()];
        for (int si = 0; si < cross.length; si++) {
            cross[si] = new DMatrixRMaj(m * k, trains.get(si).factors().examples() * k);
        }
        double[] f0 = new double[m * k];
        try (Progress pr = Progress.start("test cross kernel (" + trains.size() + " seed" + (trains.size() == 1 ? "" : "s") + ")", m)) {
            for (int from = 0; from < m; from += TEST_BLOCK) {
                List<Example> part = test.subList(from, Math.min(m, from + TEST_BLOCK));
                long t0 = System.nanoTime();
                FactorExtractor.Extraction x = ex.extract(part, "test", false);
                double share = (System.nanoTime() - t0) / 1e9 / trains.size();
                for (int i = 0; i < part.size(); i++) {
                    System.arraycopy(x.f0()[i], 0, f0, (from + i) * k, k);
                }
                long t1 = System.nanoTime();
                List<DMatrixRMaj> blk = CrossGram.of(x.factors(), trains.stream().map(Train::factors).toList(), null, precision);
                double kernelShare = (System.nanoTime() - t1) / 1e9 / trains.size();
                for (int si = 0; si < trains.size(); si++) {
                    DMatrixRMaj b = blk.get(si);                                             // [B·K, N·K]
                    System.arraycopy(b.data, 0, cross[si].data, from * k * b.numCols, b.data.length);
                    seconds[si] += share + kernelShare;
                }
                pr.stepBy(part.size());
            }
        }
        List<Test> out = new ArrayList<>();
        for (int si = 0; si < cross.length; si++) {
            out.add(new Test(cross[si], f0, seconds[si]));
        }
        return out;
    }

    private static List<KernelReport.Summary> summarize(List<KernelReport.Row> rows) {
        Map<String, List<KernelReport.Row>> by = new LinkedHashMap<>();
        for (KernelReport.Row r : rows) {
            by.computeIfAbsent(r.solver(), x -> new ArrayList<>()).add(r);
        }
        List<KernelReport.Summary> out = new ArrayList<>();
        by.forEach((solver, rs) -> out.add(new KernelReport.Summary(solver,
                MeanStd.of(rs.stream().mapToDouble(KernelReport.Row::testMetric).toArray()),
                MeanStd.of(rs.stream().mapToDouble(KernelReport.Row::testAccuracy).toArray()))));
        return out;
    }

    /** f0 [N][K] as [N·K], row i·K + k. */
    static double[] flatten(double[][] f0, int k) {
        double[] out = new double[f0.length * k];
        for (int i = 0; i < f0.length; i++) {
            System.arraycopy(f0[i], 0, out, i * k, k);
        }
        return out;
    }

    static int[] labels(List<Example> examples) {
        return examples.stream().mapToInt(Example::label).toArray();
    }
}
