package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.cli.options.RunFolderOptions;
import io.lorank.finetune.FinetuneConfig;
import io.lorank.finetune.FinetuneResult;
import io.lorank.finetune.Finetuning;
import io.lorank.finetune.TrainConfig;
import io.lorank.head.Backbone;
import io.lorank.head.HeadKind;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraInit;
import io.lorank.model.ModelRegistry;
import io.lorank.util.Json;
import io.lorank.util.RunFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank finetune}: real LoRA (or full) fine-tuning on k-shot splits, PEFT adapters per seed. */
@Command(name = "finetune", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Fine-tune the encoder for real with LoRA (or every weight with --full) on a task's k-shot "
                + "train split, keep the best dev state, score the test split; per seed writes "
                + "DIR/seed-S/adapter/ (Hugging Face PEFT format) and DIR/seed-S/metrics.json.",
        footer = {"", "Examples:",
                "  lorank finetune --task SST-2 --rank 1 --seeds 13 --out runs/sst2-r1",
                "  lorank finetune --task MRPC --head probe --rank 8 --targets all-linear --json",
                "  lorank finetune --task SST-2 --full --lr 2e-5 --steps 200"})
public final class FinetuneCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH", defaultValue = ModelRegistry.DEFAULT,
            description = "Known model name, HF folder with config.json, or .onnx file.")
    String model;

    @Option(names = "--task", required = true, description = "Registered task name or task file.")
    String task;

    @Option(names = "--head", defaultValue = "embedding", paramLabel = "mlm|embedding|probe",
            converter = io.lorank.cli.options.Converters.Head.class,
            description = "Classifier head: prompt heads stay fixed; the probe is fitted at W0, then trained and saved.")
    HeadKind head;

    @Option(names = "--rank", defaultValue = "8", converter = Converters.PositiveInt.class, description = "LoRA rank r.")
    int rank;

    @Option(names = "--alpha", converter = Converters.PositiveDouble.class,
            description = "lora_alpha (default 2·r: scaling alpha/r = 2 at every rank).")
    Double alpha;

    @Option(names = "--rslora", description = "Scaling alpha/√r instead of alpha/r.")
    boolean rslora;

    @Option(names = "--dropout", defaultValue = "0", converter = Converters.NonNegativeDouble.class,
            description = "LoRA dropout on the adapter input, in [0, 1).")
    double dropout;

    @Option(names = "--init", defaultValue = "kaiming", description = "kaiming (PEFT's default), gaussian or pissa.")
    String init;

    @Option(names = "--targets", defaultValue = "query,value",
            description = "Target Linears: names, layer-relative names, query/key/value, all-linear, last-layer.")
    String targets;

    @Option(names = "--full", description = "Full fine-tuning of every encoder weight (the baseline); no adapter.")
    boolean full;

    @Option(names = "--lr", converter = Converters.PositiveDouble.class,
            description = "Peak learning rate (default 1e-3 with LoRA, 2e-5 with --full).")
    Double lr;

    @Option(names = "--steps", defaultValue = "200", converter = Converters.PositiveInt.class, description = "Optimizer steps.")
    int steps;

    @Option(names = "--batch-size", defaultValue = "8", converter = Converters.PositiveInt.class, description = "Examples per step.")
    int batchSize;

    @Option(names = "--warmup", defaultValue = "0.06", converter = Converters.NonNegativeDouble.class,
            description = "Fraction of steps of linear warm-up (then linear decay to 0).")
    double warmup;

    @Option(names = "--weight-decay", defaultValue = "0", converter = Converters.NonNegativeDouble.class,
            description = "AdamW decoupled weight decay.")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1", converter = Converters.PositiveDouble.class, description = "Gradient-norm clip.")
    double clip;

    @Option(names = "--eval-every", defaultValue = "20", converter = Converters.PositiveInt.class,
            description = "Dev evaluation every n steps (the best state is kept).")
    int evalEvery;

    @Option(names = "--patience", defaultValue = "5", converter = Converters.NonNegativeInt.class,
            description = "Stop after this many dev evaluations without improvement (0: never).")
    int patience;

    @Option(names = "--seeds", split = ",", paramLabel = "S", defaultValue = "13,21,42,87,100",
            converter = Converters.NonNegativeInt.class, description = "Split seeds.")
    List<Integer> seeds;

    @Option(names = "--shots", defaultValue = "16", converter = Converters.PositiveInt.class, description = "k per class.")
    int shots;

    @Option(names = "--data", paramLabel = "DIR", converter = Converters.ExistingFolder.class,
            description = "LM-BFF-style data folder (default: ../shared/data when it exists).")
    Path data;

    @Option(names = "--test-cap", defaultValue = "0", converter = Converters.NonNegativeInt.class,
            description = "Keep at most N test examples; 0 = all.")
    int testCap;

    @Option(names = "--max-length", defaultValue = "" + Backbone.DEFAULT_MAX_LENGTH,
            converter = Converters.PositiveInt.class, description = "Maximum tokens per input.")
    int maxLength;

    @Option(names = "--diagnostics", description = "After training, measure how far the run left the kernel regime: "
            + "eNTK alignment <Θ0, ΘT>/(|Θ0||ΘT|) on the train split over the targets, and (LoRA) the agreement of "
            + "the trained model with the linearized one f0 + <G, s·BA> on --diagnostics-test test examples.")
    boolean diagnostics;

    @Option(names = "--diagnostics-test", defaultValue = "200", converter = Converters.PositiveInt.class,
            description = "Test examples for the linearized agreement (each costs about K backward passes).")
    int diagnosticsTest;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (replaced whole when the run completes).")
    Path out;

    @CommandLine.Mixin
    RunFolderOptions runFolder;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LoraConfig lora = full ? null : new LoraConfig(rank, alpha == null ? 2.0 * rank : alpha, rslora, dropout,
                LoraInit.parse(init), targets, Map.of());
        TrainConfig tc = new TrainConfig(lr == null ? (full ? 2e-5 : 1e-3) : lr, weightDecay, warmup, steps,
                batchSize, clip, evalEvery, patience, 0);
        FinetuneConfig cfg = new FinetuneConfig(model, task, head, lora, tc, seeds, shots, data, testCap, maxLength,
                json || io.lorank.util.Progress.quiet(), diagnostics ? diagnosticsTest : 0);
        FinetuneResult r;
        if (out == null) {
            r = Finetuning.run(cfg, null);
        } else {
            try (RunFolder run = RunFolder.open(out, runFolder.force, "finetune", cfg)) {
                r = Finetuning.run(cfg, run.dir());
                run.commit();
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(ProvenanceJson.write(r, cfg, model));
            w.flush();
            return exitCode(r);
        }
        w.printf(Locale.ROOT, "%s, %s, %s head, %s%n", r.task(), r.model(), head.lowerName(), r.method());
        for (FinetuneResult.Seed s : r.perSeed()) {
            double maxRatio = s.deltaRatio().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            w.printf(Locale.ROOT, "  seed %3d: test %5.1f  dev %5.1f at step %d/%d  max |dW|/|W0| %.2e  %.1f s%n",
                    s.seed(), 100 * s.testMetric(), 100 * s.train().bestDev(), s.train().bestStep(),
                    s.train().stepsRun(), maxRatio, s.train().seconds());
            if (s.diagnostics() != null) {
                var d = s.diagnostics();
                w.printf(Locale.ROOT, "            eNTK alignment (train) %.4f", d.alignment());
                if (d.examples() > 0) {
                    w.printf(Locale.ROOT, "  linearized agreement %.1f%% on %d test (linearized %.1f, trained %.1f)",
                            100 * d.agreement(), d.examples(), 100 * d.linearMetric(), 100 * d.trainedMetric());
                }
                w.printf(Locale.ROOT, "  %.1f s%n", d.seconds());
            }
        }
        for (FinetuneResult.Failure f : r.failed()) {
            w.printf(Locale.ROOT, "  seed %3d: stopped, not in the mean: %s%n", f.seed(), f.message());
        }
        w.printf(Locale.ROOT, "  test %s; %.1f s%n", r.test().format(100), r.seconds());
        if (out != null) {
            w.println("  wrote " + out);
        }
        w.flush();
        return exitCode(r);
    }

    /** 1 when a seed stopped on a non-finite loss (the other seeds' results stand and are written), else 0. */
    private static int exitCode(FinetuneResult r) {
        return r.failed().isEmpty() ? 0 : 1;
    }
}
