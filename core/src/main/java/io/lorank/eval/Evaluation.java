package io.lorank.eval;

import io.lorank.util.MeanStd;
import io.lorank.LorankException;
import io.lorank.data.DataSource;
import io.lorank.data.Example;
import io.lorank.data.FewShotSampler;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.data.TaskMetric;
import io.lorank.data.TaskRegistry;
import io.lorank.data.UserTaskFile;
import io.lorank.head.Backbone;
import io.lorank.head.ClassifierHead;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;
import io.lorank.head.MlmPromptHead;
import io.lorank.head.PooledFeatures;
import io.lorank.head.ProbeTrainer;
import io.lorank.probe.Metrics;
import io.lorank.util.AtomicFiles;
import io.lorank.util.RunFolder;
import io.lorank.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Few-shot evaluation of a head on a task's test split, over seeds. The test set is the same file for every seed,
 * so what depends only on it is computed once per run: the zero-shot heads' test logits (those heads do not read
 * the train split at all), the probe's test features. The probe is fitted per seed on the k-shot train features,
 * its λ chosen on the k-shot dev features ({@link ProbeTrainer}).
 */
public final class Evaluation {
    /** Looked up when no --data is given. */
    public static final Path DEFAULT_DATA = Path.of("../shared/data");

    private Evaluation() {
    }

    public static Task resolveTask(String name) {
        return UserTaskFile.looksLikeFile(name) ? UserTaskFile.load(Path.of(name)) : TaskRegistry.get(name);
    }

    /** --data, else ../shared/data when it exists; an LM-BFF task without either is a user error. */
    public static Path resolveData(Task task, Path data) {
        if (data != null) {
            return data;
        }
        if (Files.isDirectory(DEFAULT_DATA)) {
            return DEFAULT_DATA;
        }
        if (task.source() instanceof DataSource.LmBff) {
            throw new LorankException("--data: not given and " + DEFAULT_DATA + " does not exist; pass --data DIR "
                    + "(LM-BFF's data folder with k-shot/) for task " + task.name());
        }
        return null;
    }

    /**
     * Runs the evaluation; with {@code cfg.out()} the files go into a {@link RunFolder} (refused when the folder
     * holds a different run; the command line's {@code --force} uses {@link #run(EvalConfig, RunFolder)}).
     */
    public static EvalResult run(EvalConfig cfg) {
        if (cfg.out() == null) {
            return run(cfg, null);
        }
        try (RunFolder folder = RunFolder.open(cfg.out(), false, "eval", cfg)) {
            EvalResult r = run(cfg, folder);
            folder.commit();
            return r;
        }
    }

    /**
     * Runs the evaluation and writes {@code config.json}, {@code seed-S/split.json} and {@code results.json} into
     * {@code folder.dir()} (null: nothing is written); the caller commits the folder.
     */
    public static EvalResult run(EvalConfig cfg, RunFolder folder) {
        long start = System.nanoTime();
        Path outDir = folder == null ? null : folder.dir();
        Task task = resolveTask(cfg.task());
        Path data = resolveData(task, cfg.data());
        List<FewShotSplit> splits = new ArrayList<>();
        for (int seed : cfg.seeds()) {
            FewShotSplit s = SplitLoader.load(task, data, new SplitLoader.Request(cfg.shots(), seed, false));
            if (s.test().isEmpty()) {
                throw new LorankException("task " + task.name() + ": no test set found, nothing to evaluate"
                        + (data == null ? ""
                        : " under " + data) + (s.testNote() == null ? "" : " (" + s.testNote() + ")"));
            }
            splits.add(capped(s, cfg.testCap()));
        }
        if (outDir != null) {
            writeConfig(outDir, cfg, task, data);
        }
        List<EvalResult.SeedResult> results = new ArrayList<>();
        Map<List<String>, double[][]> testCache = new HashMap<>(); // test ids -> logits (zero-shot) or features
        int[] testEncodings = {0};
        String modelName;
        try (Backbone bb = Backbone.load(cfg.model(), cfg.maxLength())) {
            modelName = bb.name();
            if (cfg.head() == HeadKind.PROBE) {
                PooledFeatures f = new PooledFeatures(bb, task, PooledFeatures.Input.TEXT);
                for (FewShotSplit s : splits) {
                    double[][] testX = testCache.computeIfAbsent(ids(s.test()), x -> {
                        testEncodings[0]++;
                        return f.features(s.test());
                    });
                    ProbeTrainer.Result fit = ProbeTrainer.fit(f.features(s.train()), labels(s.train()),
                            f.features(s.dev()), labels(s.dev()), task.numClasses());
                    try (FeatureHead head = FeatureHead.probe(f, fit.fit())) {
                        results.add(score(s, task, head.logitsOf(testX), fit.lambda(), fit.fit().status().name()));
                    }
                }
            } else {
                try (ClassifierHead head = cfg.head() == HeadKind.MLM ? new MlmPromptHead(bb, task)
                        : FeatureHead.embedding(bb, task, cfg.scale())) {
                    for (FewShotSplit s : splits) {
                        double[][] z = testCache.computeIfAbsent(ids(s.test()), x -> {
                            testEncodings[0]++;
                            return head.logits(s.test());
                        });
                        results.add(score(s, task, z, Double.NaN, null));
                    }
                }
            }
        }
        EvalResult r = summarize(cfg, modelName, task, splits, results, testEncodings[0],
                (System.nanoTime() - start) / 1e9);
        if (outDir != null) {
            for (FewShotSplit s : splits) {
                s.write(outDir.resolve("seed-" + s.seed()), task.labels());
            }
            AtomicFiles.writeString(outDir.resolve("results.json"), Json.write(r.toJson(true)) + "\n");
        }
        return r;
    }

    /** The split with its test set capped at {@code cap} examples (0: unchanged), as LM-Kernel-FT's 1k test. */
    public static FewShotSplit capped(FewShotSplit s, int cap) {
        if (cap == 0 || s.test().size() <= cap) {
            return s;
        }
        String note = (s.testNote() == null ? "" : s.testNote() + " ") + "Test capped at " + cap + " of "
                + s.test().size() + " (NumPy shuffle, seed " + FewShotSampler.TEST_CAP_SEED + ").";
        return new FewShotSplit(s.task(), s.k(), s.seed(), s.source(), s.train(), s.dev(),
                FewShotSampler.capTest(s.test(), cap), note);
    }

    private static EvalResult.SeedResult score(FewShotSplit s, Task task, double[][] logits, double lambda,
                                               String status) {
        for (int i = 0; i < logits.length; i++) { // never a score from NaN logits
            io.lorank.util.Finite.require("logits of test example " + s.test().get(i).id() + " (seed " + s.seed() + ")",
                    logits[i]);
        }
        int[] pred = ClassifierHead.predict(logits);
        int[] gold = labels(s.test());
        return new EvalResult.SeedResult(s.seed(), s.source(), s.train().size(), s.dev().size(), s.test().size(),
                Metrics.accuracy(pred, gold), Metrics.score(task.metric(), pred, gold), lambda, status, pred, gold);
    }

    private static EvalResult summarize(EvalConfig cfg, String model, Task task, List<FewShotSplit> splits,
                                        List<EvalResult.SeedResult> rs, int testEncodings,
                                        double seconds) {
        double[] acc = rs.stream().mapToDouble(EvalResult.SeedResult::accuracy).toArray();
        double[] met = rs.stream().mapToDouble(EvalResult.SeedResult::metric).toArray();
        FewShotSplit first = splits.get(0);
        int[] counts = FewShotSplit.classCounts(first.test(), task.numClasses());
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        return new EvalResult(model, task.name(),
                cfg.head().lowerName(), cfg.shots(), task.numClasses(), task.metric(), first.test().size(),
                first.testNote(), 1.0 / task.numClasses(), (double) max / first.test().size(), !cfg.head().trained(),
                MeanStd.of(acc), task.metric() == TaskMetric.ACCURACY ? null : MeanStd.of(met), rs,
                testEncodings, seconds);
    }

    private static void writeConfig(Path outDir, EvalConfig cfg, Task task, Path data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "eval");
        m.put("model", cfg.model());
        m.put("task", task.name());
        m.put("head", cfg.head().lowerName());
        m.put("shots", cfg.shots());
        m.put("seeds", cfg.seeds());
        m.put("data", data == null ? null : data.toAbsolutePath().normalize().toString());
        m.put("test_cap", cfg.testCap());
        m.put("scale", cfg.scale());
        m.put("max_length", cfg.maxLength());
        m.put("template", task.template().source());
        m.put("label_words", task.labelWords());
        m.put("label_descriptions", task.labelDescriptions());
        m.put("probe_lambdas", ProbeTrainer.LAMBDAS);
        m.put("lorank_version", io.lorank.Lorank.VERSION);
        AtomicFiles.writeString(outDir.resolve("config.json"), Json.write(m) + "\n");
    }

    private static List<String> ids(List<Example> examples) {
        return examples.stream().map(Example::id).toList();
    }

    private static int[] labels(List<Example> examples) {
        return examples.stream().mapToInt(Example::label).toArray();
    }
}
