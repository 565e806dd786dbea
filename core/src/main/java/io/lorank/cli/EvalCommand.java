package io.lorank.cli;

import io.lorank.eval.EvalConfig;
import io.lorank.eval.EvalResult;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.HeadKind;
import io.lorank.model.ModelRegistry;
import io.lorank.cli.options.Converters;
import io.lorank.cli.options.RunFolderOptions;
import io.lorank.util.Json;
import io.lorank.util.RunFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code lorank eval}: accuracy (and the task's metric) of a zero-shot or linear-probe head over few-shot seeds. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Evaluate a classifier head f(W0) on a task's test split: zero-shot (mlm, embedding) or a "
                + "linear probe fitted on the k-shot train split (L2 chosen on the k-shot dev split). Reports "
                + "accuracy, and F1 (MRPC, QQP) or Matthews correlation (CoLA), mean ± sample std over seeds.",
        footer = {"", "Heads:",
                "  mlm        LM-BFF prompt; MLM scores of the label words at the mask",
                "             (needs a checkpoint with MLM weights)",
                "  embedding  s * cos(pool(prompt(x)), pool(label description)),",
                "             descriptions embedded once at W0",
                "  probe      logistic regression on unit-norm pooled features of the",
                "             raw text (pair); L2 strength chosen on the k-shot dev split",
                "", "Examples:",
                "  lorank eval --task SST-2 --head embedding --data ../shared/data",
                "  lorank eval --task wordnet-binary --head probe --seeds 13,21 --json",
                "  lorank eval --task QNLI --head probe --test-cap 1000 --out runs/qnli-probe"})
public final class EvalCommand implements Runnable {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH", defaultValue = ModelRegistry.DEFAULT,
            description = "Known model name (see `lorank models`), HF folder with config.json, or .onnx file.")
    String model;

    @Option(names = "--task", required = true, description = "Registered task name (see `lorank tasks`) or task file.")
    String task;

    @Option(names = "--head", required = true, paramLabel = "mlm|embedding|probe", converter = Converters.Head.class,
            description = "Classifier head.")
    HeadKind head;

    @Option(names = "--shots", defaultValue = "16", converter = Converters.PositiveInt.class, description = "k: examples per class in train and in dev.")
    int shots;

    @Option(names = "--seed", converter = Converters.NonNegativeInt.class, description = "One split seed (instead of --seeds).")
    Integer seed;

    @Option(names = "--seeds", split = ",", paramLabel = "S", defaultValue = "13,21,42,87,100",
            converter = Converters.NonNegativeInt.class,
            description = "Split seeds (LM-BFF's five by default).")
    List<Integer> seeds;

    @Option(names = "--data", paramLabel = "DIR", converter = Converters.ExistingFolder.class,
            description = "LM-BFF-style data folder (default: ../shared/data when it exists).")
    Path data;

    @Option(names = "--test-cap", defaultValue = "0", paramLabel = "N", converter = Converters.NonNegativeInt.class,
            description = "Keep at most N test examples (NumPy shuffle, seed 42, as LM-Kernel-FT's 1k test); 0 = all.")
    int testCap;

    @Option(names = "--scale", defaultValue = "20", converter = Converters.PositiveDouble.class, description = "Temperature s of the embedding head.")
    double scale;

    @Option(names = "--max-length", defaultValue = "" + Backbone.DEFAULT_MAX_LENGTH, converter = Converters.PositiveInt.class,
            description = "Maximum tokens per input (longer sentences are truncated).")
    int maxLength;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder: config.json, results.json (with predictions), seed-S/split.json and run.json,"
                    + " replaced whole when the run completes.")
    Path out;

    @CommandLine.Mixin
    RunFolderOptions runFolder;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (seed != null && spec.commandLine().getParseResult().hasMatchedOption("--seeds")) {
            throw Converters.usage(spec, "--seed " + seed + " and --seeds " + seeds + ": give one of them");
        }
        List<Integer> s = seed != null ? List.of(seed) : seeds;
        EvalConfig cfg = new EvalConfig(model, task, head, shots, s, data, testCap, scale, maxLength, out);
        EvalResult r;
        if (out == null) {
            r = Evaluation.run(cfg, null);
        } else {
            try (RunFolder run = RunFolder.open(out, runFolder.force, "eval", cfg)) { // --out checked before the work
                r = Evaluation.run(cfg, run);
                run.commit();
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(ProvenanceJson.write(r.toJson(false), cfg, model));
            w.flush();
            return;
        }
        String metric = r.metric().shortName();
        w.printf(Locale.ROOT, "%s, %s head, %s, k=%d, test %d%s%n", r.task(), r.head(), r.model(), r.k(),
                r.testSize(), r.seedIndependent() ? " (zero-shot: the same for every seed)" : "");
        if (r.testNote() != null) {
            w.println("  note: " + r.testNote());
        }
        for (EvalResult.SeedResult sr : r.perSeed()) {
            w.printf(Locale.ROOT, "  seed %3d: acc %5.1f%s%s%n", sr.seed(), 100 * sr.accuracy(),
                    r.metricSummary() == null ? ""
                            : String.format(Locale.ROOT, "  %s %5.1f", metric, 100 * sr.metric()),
                    Double.isNaN(sr.lambda()) ? "" : String.format(Locale.ROOT, "  (lambda %.0e, %s)", sr.lambda(),
                            sr.probeStatus().toLowerCase(Locale.ROOT)));
        }
        w.printf(Locale.ROOT, "  accuracy %s%s%n", r.accuracy().format(100),
                r.metricSummary() == null ? "" : "   " + metric + " " + r.metricSummary().format(100));
        w.printf(Locale.ROOT, "  chance %.1f, majority class %.1f; %.1f s%n", 100 * r.chance(), 100 * r.majority(),
                r.seconds());
        if (out != null) {
            w.println("  wrote " + out.resolve("results.json"));
        }
        w.flush();
    }

}
