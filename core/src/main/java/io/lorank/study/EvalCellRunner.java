package io.lorank.study;

import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.FewShotSampler;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.ClassifierHead;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;
import io.lorank.head.MlmPromptHead;
import io.lorank.head.PooledFeatures;
import io.lorank.head.ProbeTrainer;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.probe.Metrics;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mode {@code eval}: one head f(W0) on one seed's split, scored on the task's test set (as {@code lorank eval} for a
 * single seed). The test set's W0 features (or, for the MLM head, logits) are a keyed artefact: computed by the
 * first cell that needs them and read from the cache by every other seed and head.
 * Options: {@code test_cap} (0: all), {@code max_length}, {@code scale} (embedding head).
 */
public final class EvalCellRunner implements CellRunner {
    @Override
    public String mode() {
        return "eval";
    }

    @Override
    public String description() {
        return "a head at W0 (zero-shot mlm / embedding, or a linear probe fitted on the k-shot split) on the test set";
    }

    @Override
    public void validate(CellSpec s) {
        if (s.model() == null || s.seed() == null || s.shots() == null || s.head() == null) {
            throw new LorankException("eval cell " + s.label() + ": needs a model, a seed, shots and a head");
        }
        HeadKind.parse(s.head());
    }

    @Override
    public Output run(CellSpec s, CellContext ctx) {
        validate(s);
        HeadKind kind = HeadKind.parse(s.head());
        Task task = Evaluation.resolveTask(s.task());
        Path data = Evaluation.resolveData(task, ctx.data());
        FewShotSplit split = SplitLoader.load(task, data, new SplitLoader.Request(s.shots(), s.seed(), false));
        List<Example> test = split.test();
        if (test.isEmpty()) {
            throw new LorankException("task " + task.name() + ": no test set found, nothing to evaluate");
        }
        int cap = s.intOption("test_cap", 0);
        if (cap > 0 && test.size() > cap) {
            test = FewShotSampler.capTest(test, cap);
        }
        int maxLength = s.intOption("max_length", Backbone.DEFAULT_MAX_LENGTH);
        double scale = s.option("scale", FeatureHead.DEFAULT_SCALE);
        Checkpoint ckpt = ModelSource.load(s.model());
        Pooling pooling = ModelRegistry.find(s.model()).map(m -> m.pooling()).orElse(Pooling.MEAN);
        ArtifactCache cache = ctx.cache();
        String testKey = String.join("|", ckpt.sha256(), task.name(), Integer.toString(maxLength),
                Canonical.sha256(String.join("\n", test.stream().map(Example::id).toList())));
        double[][] logits;
        Map<String, Object> details = new TreeMap<>();
        List<Example> testSet = test;
        try (Backbone bb = Backbone.of(ckpt, pooling, maxLength)) {
            switch (kind) {
                case PROBE -> {
                    PooledFeatures f = new PooledFeatures(bb, task, PooledFeatures.Input.TEXT);
                    double[][] testX = cache.matrix("text-features|" + testKey, () -> f.features(testSet));
                    ProbeTrainer.Result fit = ProbeTrainer.fit(f.features(split.train()), labels(split.train()),
                            f.features(split.dev()), labels(split.dev()), task.numClasses());
                    try (FeatureHead head = FeatureHead.probe(f, fit.fit())) {
                        logits = head.logitsOf(testX);
                    }
                    details.put("lambda", fit.lambda());
                    details.put("probe_status", fit.fit().status().name());
                }
                case EMBEDDING -> {
                    try (FeatureHead head = FeatureHead.embedding(bb, task, scale)) {
                        double[][] phi = cache.matrix("prompt-features|" + testKey, () -> head.featureMap().features(testSet));
                        logits = head.logitsOf(phi);
                    }
                    details.put("scale", scale);
                }
                case MLM -> {
                    try (ClassifierHead head = new MlmPromptHead(bb, task)) {
                        logits = cache.matrix("mlm-logits|" + testKey, () -> head.logits(testSet));
                    }
                }
                default -> throw new IllegalStateException("head " + kind);
            }
        }
        int[] pred = ClassifierHead.predict(logits);
        int[] gold = labels(test);
        details.put("train", split.train().size());
        details.put("dev", split.dev().size());
        details.put("split_source", split.source());
        return new Output(CellResult.builder()
                .metric(task.metric().shortName(), Metrics.score(task.metric(), pred, gold))
                .accuracy(Metrics.accuracy(pred, gold), test.size())
                .problem(split.train().size(), task.numClasses())
                .details(details).build(), ckpt.sha256());
    }

    private static int[] labels(List<Example> examples) {
        return examples.stream().mapToInt(Example::label).toArray();
    }
}
