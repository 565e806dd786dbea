package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.FewShotSampler;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.encoder.Encoder;
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
import io.lorank.lora.LoraModel;
import io.lorank.lora.PeftAdapter;
import io.lorank.model.HostTensor;
import io.lorank.probe.Metrics;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import io.lorank.util.MeanStd;
import org.ejml.data.DMatrixRMaj;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library entry point of fine-tuning: {@link #run(FinetuneConfig, Path)} trains one model per seed (LoRA or
 * full), scores the kept state on the test split and, with an output folder, writes {@code seed-S/adapter/} (PEFT
 * format; the probe head under {@code modules_to_save}) and {@code seed-S/metrics.json}. Nothing is printed.
 */
public final class Finetuning {
    private Finetuning() {
    }

    /** @param out folder for seed-S/…; null: write nothing */
    public static FinetuneResult run(FinetuneConfig cfg, Path out) {
        long start = System.nanoTime();
        Task task = Evaluation.resolveTask(cfg.task());
        Path data = Evaluation.resolveData(task, cfg.data());
        String[] modelName = {cfg.model()};
        SeedOutcomes<FinetuneResult.Seed> done = eachSeed(cfg.seeds(), seed -> {
            FewShotSplit s = SplitLoader.load(task, data, new SplitLoader.Request(cfg.shots(), seed, false));
            List<Example> test = cfg.testCap() > 0 && s.test().size() > cfg.testCap()
                    ? FewShotSampler.capTest(s.test(), cfg.testCap()) : s.test();
            if (test.isEmpty()) {
                throw new LorankException("task " + task.name() + ": no test set found under " + data);
            }
            try (Backbone bb = Backbone.load(cfg.model(), cfg.maxLength())) {
                modelName[0] = bb.name();
                return runSeed(cfg, task, s, test, seed, bb, out);
            }
        });
        List<FinetuneResult.Seed> results = done.results();
        double[] metric = results.stream().mapToDouble(FinetuneResult.Seed::testMetric).toArray();
        String method = cfg.full() ? "full" : "lora-r" + cfg.lora().rank();
        return new FinetuneResult(modelName[0], task.name(), method, List.copyOf(results), MeanStd.of(metric),
                done.failed(), (System.nanoTime() - start) / 1e9);
    }

    /** The seeds that finished (in order) and those that diverged. */
    record SeedOutcomes<R>(List<R> results, List<FinetuneResult.Failure> failed) {
    }

    /**
     * body(seed) for each seed. A seed whose training diverges ({@link TrainingDivergedException}) is recorded and
     * the loop goes on: one seed's NaN says nothing about the others. When every seed diverged, the first one's
     * exception is thrown (the run has no result); any other error stops the loop at once. A diverged seed is said
     * at once on {@code notice} (one line; a five-seed run may have an hour left), and the caller reports
     * {@link SeedOutcomes#failed()} again in its summary.
     */
    static <R> SeedOutcomes<R> eachSeed(List<Integer> seeds, java.util.function.IntFunction<R> body) {
        return eachSeed(seeds, body, line -> System.err.println("lorank: " + line));
    }

    static <R> SeedOutcomes<R> eachSeed(List<Integer> seeds, java.util.function.IntFunction<R> body,
                                        java.util.function.Consumer<String> notice) {
        List<R> results = new ArrayList<>();
        List<FinetuneResult.Failure> failed = new ArrayList<>();
        TrainingDivergedException first = null;
        for (int seed : seeds) {
            try {
                results.add(body.apply(seed));
            } catch (TrainingDivergedException e) {
                failed.add(new FinetuneResult.Failure(seed, e.getMessage()));
                first = first == null ? e : first;
                if (results.size() + failed.size() < seeds.size()) {
                    notice.accept("seed " + seed + " stopped, not in the mean (nothing written for it); the other seeds go on: "
                            + e.getMessage());
                }
            }
        }
        if (results.isEmpty() && first != null) {
            throw first;
        }
        return new SeedOutcomes<>(List.copyOf(results), List.copyOf(failed));
    }

    private static FinetuneResult.Seed runSeed(FinetuneConfig cfg, Task task, FewShotSplit s, List<Example> test,
                                               int seed, Backbone bb, Path out) {
        Encoder enc = bb.encoder();
        String spec = cfg.full() ? TargetSelection.DEFAULT : cfg.lora().targets();
        List<LinearTarget> watched = TargetSelection.select(enc.targets(), spec);
        Map<String, float[]> w0 = new LinkedHashMap<>();
        for (LinearTarget t : watched) {
            w0.put(t.name(), enc.parameter(t.name() + ".weight").toType(DataType.FLOAT32, false).toFloatArray());
        }
        try (ClassifierHead head = head(cfg.head(), bb, task, s);
             LoraModel lm = cfg.full() ? null : LoraModel.inject(enc, cfg.lora(), seed)) {
            long diagStart = System.nanoTime();
            DMatrixRMaj theta0 = cfg.diagnostics() ? KernelDiagnostics.gram(head, enc, watched, s.train()) : null;
            double diagSeconds = (System.nanoTime() - diagStart) / 1e9;
            List<NDArray> params = new ArrayList<>();
            if (lm != null) {
                params.addAll(lm.trainable());
            } else {
                enc.setTrainable(n -> n.startsWith("embeddings.") || n.startsWith("encoder."));
                enc.parametersByName().forEach((n, p) -> {
                    if (n.startsWith("embeddings.") || n.startsWith("encoder.")) {
                        params.add(p.getArray());
                    }
                });
            }
            Map<String, NDArray> trainedHead = trainedHead(head);
            for (NDArray p : trainedHead.values()) { // the probe head is trained; prompt heads stay fixed
                p.setRequiresGradient(true);
                params.add(p);
            }
            TrainConfig tc = new TrainConfig(cfg.train().lr(), cfg.train().weightDecay(), cfg.train().warmup(),
                    cfg.train().steps(), cfg.train().batchSize(), cfg.train().clip(), cfg.train().evalEvery(),
                    cfg.train().patience(), seed);
            TrainResult tr = Trainer.train(head, params, on -> {
                if (lm != null) {
                    lm.setTraining(on);
                }
            }, s.train(), s.dev(), tc, cfg.quiet());
            int[] gold = test.stream().mapToInt(Example::label).toArray();
            double[][] testLogits = Trainer.logits(head, test);
            int[] pred = ClassifierHead.predict(testLogits);
            double acc = Metrics.accuracy(pred, gold);
            double metric = Metrics.score(task.metric(), pred, gold);
            Map<String, Double> ratio = deltaRatios(enc, lm, w0);
            KernelDiagnostics.Result diag = null;
            if (cfg.diagnostics()) {
                diag = diagnostics(cfg, task, head, enc, lm, watched, theta0, s.train(), test, testLogits,
                        diagSeconds);
            }
            boolean wrote = false;
            if (out != null) {
                Path dir = out.resolve("seed-" + seed);
                if (lm != null) {
                    Map<String, HostTensor> headTensors = new LinkedHashMap<>();
                    trainedHead.forEach((n, p) -> {
                        String name = PeftAdapter.HEAD_MODULE + n.substring(n.indexOf('.'));
                        headTensors.put(name, new HostTensor(name, p.getShape().getShape(),
                                p.toType(DataType.FLOAT32, false).toFloatArray()));
                    });
                    Map<String, Object> meta = new HeadSpec(cfg.task(), cfg.head(), cfg.maxLength(),
                            FeatureHead.DEFAULT_SCALE).toMap();
                    PeftAdapter.save(dir.resolve("adapter"), lm, headTensors, cfg.model(), meta);
                    wrote = true;
                }
                FinetuneResult.Seed r = new FinetuneResult.Seed(seed, tr, acc, metric, ratio, wrote, diag);
                AtomicFiles.writeString(dir.resolve("metrics.json"), Json.write(metricsJson(cfg, r)) + "\n");
            }
            return new FinetuneResult.Seed(seed, tr, acc, metric, ratio, wrote, diag);
        }
    }

    /**
     * The head arrays that are trained and saved (under {@code modules_to_save}): the linear probe's W [C, d] and
     * b [C]; none for the prompt heads (embedding, MLM), which stay fixed as the issue specifies: their readout is
     * rebuilt from the task and W0 wherever the adapter is used.
     */
    static Map<String, NDArray> trainedHead(ClassifierHead head) {
        return head.kind() == HeadKind.PROBE ? head.parameters() : Map.of();
    }

    private static ClassifierHead head(HeadKind kind, Backbone bb, Task task, FewShotSplit s) {
        return switch (kind) {
            case MLM -> new MlmPromptHead(bb, task);
            case EMBEDDING -> FeatureHead.embedding(bb, task, FeatureHead.DEFAULT_SCALE);
            case PROBE -> {
                PooledFeatures f = new PooledFeatures(bb, task, PooledFeatures.Input.TEXT);
                ProbeTrainer.Result fit = ProbeTrainer.fit(f.features(s.train()), labels(s.train()),
                        f.features(s.dev()), labels(s.dev()), task.numClasses());
                yield FeatureHead.probe(f, fit.fit());
            }
        };
    }

    /**
     * The kernel alignment on the train split (Θ₀ given, Θ_T now) and, for LoRA, the agreement of the trained and
     * the linearized model on the first {@code cfg.diagnosticsTest()} test examples (the capped test list is a
     * seeded shuffle, so these are a random subset). Full fine-tuning gets the alignment only: its ΔW also moves the
     * embeddings, LayerNorms and the other Linears, which the targets' linearization does not describe.
     */
    private static KernelDiagnostics.Result diagnostics(FinetuneConfig cfg, Task task, ClassifierHead head,
                                                        Encoder enc, LoraModel lm, List<LinearTarget> watched,
                                                        DMatrixRMaj theta0, List<Example> train, List<Example> test,
                                                        double[][] testLogits, double seconds0) {
        long t0 = System.nanoTime();
        if (lm != null) {
            lm.setTraining(false);
        }
        double align = KernelDiagnostics.alignment(theta0, KernelDiagnostics.gram(head, enc, watched, train));
        if (lm == null) {
            enc.setTrainable(n -> false);
            return new KernelDiagnostics.Result(align, Double.NaN, Double.NaN, Double.NaN, 0,
                    seconds0 + (System.nanoTime() - t0) / 1e9);
        }
        int n = Math.min(cfg.diagnosticsTest(), test.size());
        List<Example> sub = test.subList(0, n);
        double[][] lin = KernelDiagnostics.linearizedLogits(head, lm, sub);
        double[][] trained = java.util.Arrays.copyOf(testLogits, n);
        int[] gold = sub.stream().mapToInt(Example::label).toArray();
        return new KernelDiagnostics.Result(align, KernelDiagnostics.agreement(trained, lin),
                Metrics.score(task.metric(), ClassifierHead.predict(lin), gold),
                Metrics.score(task.metric(), ClassifierHead.predict(trained), gold), n,
                seconds0 + (System.nanoTime() - t0) / 1e9);
    }

    /** ‖ΔW‖_F / ‖W0‖_F per watched target, in fp64: ΔW = s·B A (LoRA, relative to W0) or W_T − W0 (full). */
    static Map<String, Double> deltaRatios(Encoder enc, LoraModel lm, Map<String, float[]> w0) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, float[][]> factors = lm == null ? Map.of() : lm.savedFactors();
        for (var e : w0.entrySet()) {
            float[] base = e.getValue();
            double num = 0;
            double den = 0;
            if (lm != null) {
                var l = lm.adapters().get(e.getKey());
                float[] a = factors.get(e.getKey())[0];
                float[] b = factors.get(e.getKey())[1];
                int r = lm.savedRank(e.getKey());
                int n = l.target().in();
                int m = l.target().out();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double d = 0;
                        for (int k = 0; k < r; k++) {
                            d += (double) b[i * r + k] * a[k * n + j];
                        }
                        d *= l.scaling();
                        num += d * d;
                    }
                }
            } else {
                float[] now = enc.parameter(e.getKey() + ".weight").toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < base.length; i++) {
                    double d = (double) now[i] - base[i];
                    num += d * d;
                }
            }
            for (float v : base) {
                den += (double) v * v;
            }
            out.put(e.getKey(), Math.sqrt(num / den));
        }
        return out;
    }

    private static Map<String, Object> metricsJson(FinetuneConfig cfg, FinetuneResult.Seed r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", r.seed());
        m.put("method", cfg.full() ? "full" : "lora");
        m.put("lora", cfg.lora());
        m.put("train_config", cfg.train());
        m.put("test_accuracy", r.testAccuracy());
        m.put("test_metric", r.testMetric());
        m.put("best_step", r.train().bestStep());
        m.put("best_dev", r.train().bestDev());
        m.put("steps_run", r.train().stepsRun());
        m.put("stopped_early", r.train().stoppedEarly());
        m.put("train_seconds", r.train().seconds());
        m.put("loss_curve", r.train().losses());
        m.put("dev_curve", r.train().dev());
        m.put("delta_w_over_w0", r.deltaRatio());
        if (r.diagnostics() != null) {
            KernelDiagnostics.Result d = r.diagnostics();
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("entk_alignment_train", d.alignment());
            k.put("linearized_agreement_test", Double.isNaN(d.agreement()) ? null : d.agreement());
            k.put("linearized_test_metric", Double.isNaN(d.linearMetric()) ? null : d.linearMetric());
            k.put("trained_test_metric_same_examples", Double.isNaN(d.trainedMetric()) ? null : d.trainedMetric());
            k.put("agreement_examples", d.examples());
            k.put("agreement_note", cfg.full() ? "full fine-tuning: alignment only (its dW is not on the targets "
                    + "alone)" : "f(W0 + s*B*A) vs f0 + <G(x), s*B*A>, f0 and G at W0");
            k.put("seconds", d.seconds());
            m.put("diagnostics", k);
        }
        return m;
    }

    private static int[] labels(List<Example> examples) {
        return examples.stream().mapToInt(Example::label).toArray();
    }
}
