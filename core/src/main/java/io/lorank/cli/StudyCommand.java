package io.lorank.cli;

import io.lorank.LorankException;
import io.lorank.data.FewShotSampler;
import io.lorank.head.Backbone;
import io.lorank.cli.options.Converters;
import io.lorank.model.ModelRegistry;
import io.lorank.study.CellEngine;
import io.lorank.study.CellRunners;
import io.lorank.study.CellSpec;
import io.lorank.study.CellEngines;
import io.lorank.study.Study;
import io.lorank.study.StudyConfig;
import io.lorank.study.StudyConfigFile;
import io.lorank.study.Canonical;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lorank study}: run a grid of cells into a resumable results.db; {@code --status DIR} shows where it stands. */
@Command(name = "study", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Run a rank study: every cell of models x tasks x seeds x ranks x modes x heads x lambda "
                + "fractions, stored in DIR/results.db (SQLite). Resumable: rerun the same command and finished "
                + "cells are kept, interrupted or failed ones are redone. Exit 0 when every cell is done, "
                + "10 + the number of failed cells (at most 125) otherwise.",
        footer = {"", "Modes: eval (a head at W0 over seeds), bounds (both papers' thresholds), synthetic (planted",
                "  linearized problem: LoRA at each rank, certificate, convex optimum), linearized (LoRA on the",
                "  encoder's eNTK: convex optimum, LoRA per rank, certificate, test metric), finetune (real LoRA",
                "  fine-tuning per seed and rank, or full with --full: test metric, loss curve, ||dW||/||W0||, adapter).",
                "", "Examples:",
                "  lorank study --tasks wordnet-binary --modes eval,bounds --heads embedding,probe --out runs/s1",
                "  lorank study --config study.yaml --out runs/s2 --json",
                "  lorank study --modes synthetic --ranks 1,2,3,4 --lambda-fractions 0.1 --seeds 1,2,3 --out runs/syn",
                "  lorank study --tasks wordnet-binary --modes linearized --heads embedding --ranks 1,2,4,8 \\",
                "      --lambda-fractions 0.05 --test-cap 1000 --out runs/lin",
                "  lorank study --tasks wordnet-binary --modes finetune --heads embedding --ranks 1,8 --steps 200 --out runs/ft",
                "  lorank demo --print-config > demo.yaml   # the demo's grid, to edit and run with --config",
                "  lorank study --tasks wordnet-binary --modes linearized --heads embedding --ranks 1,2,4 \\",
                "      --lambda-fractions 0.05 --engine spark --master local[2,2] --out runs/lin-spark",
                "  lorank study --status runs/s1",
                "  lorank report runs/s1"})
public final class StudyCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML/JSON study config (keys: models, tasks, seeds, "
            + "ranks, modes, heads, lambda_fractions, shots, test_cap, max_length, targets, synthetic, linearized, finetune); "
            + "instead of the grid flags.")
    Path config;

    @Option(names = "--models", split = ",", paramLabel = "M", defaultValue = ModelRegistry.DEFAULT,
            description = "Encoders (names from `lorank models`, or HF folders).")
    List<String> models;

    @Option(names = "--tasks", split = ",", paramLabel = "T", description = "Tasks (see `lorank tasks`) or task files.")
    List<String> tasks;

    @Option(names = "--seeds", split = ",", paramLabel = "S", defaultValue = "13,21,42,87,100", converter = Converters.NonNegativeInt.class, description = "Split seeds.")
    List<Integer> seeds;

    @Option(names = "--ranks", split = ",", paramLabel = "R", converter = Converters.PositiveInt.class, description = "LoRA ranks (rank modes).")
    List<Integer> ranks;

    @Option(names = "--modes", split = ",", paramLabel = "MODE", defaultValue = "eval,bounds",
            description = "Modes to run (eval, bounds, synthetic, linearized, kernel, finetune).")
    List<String> modes;

    @Option(names = "--heads", split = ",", paramLabel = "H", defaultValue = "embedding,probe",
            description = "Heads for mode eval (mlm, embedding, probe).")
    List<String> heads;

    @Option(names = "--lambda-fractions", split = ",", paramLabel = "F", description = "λ = F · λ_max, F in (0, 1) (rank modes).")
    List<Double> lambdaFractions;

    @Option(names = "--shots", defaultValue = "16", converter = Converters.PositiveInt.class, description = "k per class.")
    int shots;

    @Option(names = "--test-cap", defaultValue = "0", paramLabel = "N", converter = Converters.NonNegativeInt.class, description = "Keep at most N test examples; 0 = all.")
    int testCap;

    @Option(names = "--max-length", defaultValue = "" + Backbone.DEFAULT_MAX_LENGTH, converter = Converters.PositiveInt.class, description = "Tokens per input.")
    int maxLength;

    @Option(names = "--targets", defaultValue = "query,value", description = "LoRA targets (bounds and rank modes).")
    String targets;

    @Option(names = "--lora-iterations", defaultValue = "2000", converter = Converters.PositiveInt.class,
            description = "Mode linearized: LoRA gradient-descent iterations per solve.")
    int loraIterations;

    @Option(names = "--convex-iterations", defaultValue = "300", converter = Converters.PositiveInt.class,
            description = "Mode linearized: convex (FISTA + SVT) iterations per seed and λ.")
    int convexIterations;

    @Option(names = "--steps", defaultValue = "200", converter = Converters.PositiveInt.class,
            description = "Mode finetune: optimizer steps per cell (batches of 8, lr 1e-3, dev every 20 steps, patience 5).")
    int steps;

    @Option(names = "--full", description = "Mode finetune: also fine-tune every encoder weight (lr 2e-5), one cell per seed.")
    boolean full;

    @Option(names = "--data", paramLabel = "DIR", description = "LM-BFF data folder (default ../shared/data when present).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Study folder (results.db, study.json, cache/).")
    Path out;

    @Option(names = "--status", paramLabel = "DIR", description = "Show done, running and failed cells of DIR; run nothing.")
    Path status;

    @Option(names = "--force", description = "Start DIR anew when it holds another grid or an incompatible results.db.")
    boolean force;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--engine", defaultValue = CellEngines.IN_PROCESS, paramLabel = "NAME",
            description = "Where cells run: in-process (one after another in this JVM) or spark (Apache Spark; needs the "
                    + "spark/ module: ./lorank builds it when this flag says spark, or spark-submit the lorank-spark-app jar).")
    String engine;

    @Option(names = "--master", paramLabel = "URL", description = "--engine spark: local[N], local[N,F] (F attempts per "
            + "task), spark://HOST:PORT, yarn, k8s://...; default: spark-submit's master, else local[*,4].")
    String master;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "--engine spark: a Spark setting (repeatable), "
            + "applied after lorank's defaults (spark.ui.enabled=false, the driver on 127.0.0.1 in local mode).")
    java.util.Map<String, String> sparkConf = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() {
        if (status != null) {
            Study.Summary s = Study.status(status);
            System.out.println(json ? Canonical.pretty(s) : text(s, true));
            return exitCode(s);
        }
        if (out == null) {
            throw new LorankException("study: --out DIR is required (or --status DIR to inspect a study)");
        }
        StudyConfig cfg = config != null ? StudyConfigFile.read(config) : fromFlags();
        Study.Summary s;
        try (CellEngine eng = CellEngines.create(engine, master, sparkConf)) {
            s = Study.run(cfg, out, data, force, eng, io.lorank.util.Progress.quiet() ? Study.Events.NONE : new Lines(System.err));
        }
        System.out.println(json ? Canonical.pretty(s) : text(s, false));
        return exitCode(s);
    }

    StudyConfig fromFlags() {
        return new StudyConfig(models, tasks, seeds, ranks, modes.stream().map(m -> m.trim().toLowerCase(Locale.ROOT)).toList(),
                heads, lambdaFractions, shots, testCap, maxLength, targets, null,
                new StudyConfig.Linearized(loraIterations, convexIterations), new StudyConfig.Finetune(List.of(), full,
                steps, 1e-3, 8, 20, 5, List.of()));
    }

    static int exitCode(Study.Summary s) {
        return s.failed() == 0 ? 0 : Math.min(125, 10 + s.failed());
    }

    static String text(Study.Summary s, boolean status) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "study %s: %d cells, %d done, %d failed, %d running, %d not started%n",
                s.dir(), s.planned(), s.done(), s.failed(), s.running(), s.pending()));
        if (!status) {
            sb.append(String.format(Locale.ROOT, "this run: %d computed (%d redone after a failure or interruption), "
                    + "%d already done and kept, %.1f s%n", s.ran(), s.redone(), s.skipped(), s.seconds()));
        }
        for (Study.Failure f : s.failures()) {
            sb.append("  failed: ").append(f.cell()).append(": ").append(f.error()).append('\n');
        }
        if (s.running() > 0 && status) {
            sb.append("  running cells belong to a study in progress, or to one that was killed: rerun the same command to redo them\n");
        }
        sb.append("report: lorank report ").append(s.dir());
        return sb.toString();
    }

    /** One progress line per finished cell with the ETA of the whole study. */
    static final class Lines implements Study.Events {
        private final PrintStream err;

        Lines(PrintStream err) {
            this.err = err;
        }

        @Override
        public void resumed(int done, int redone, int todo) {
            if (done > 0 || redone > 0) {
                err.printf(Locale.ROOT, "study: resuming: %d cells done and kept, %d to redo, %d to run%n", done, redone, todo);
            }
        }

        @Override
        public void cellFinished(int index, int total, CellSpec cell, CellEngine.Outcome o, double eta) {
            String what;
            if (o instanceof CellEngine.Done d) {
                var r = d.output().result();
                what = r.testMetric() != null ? String.format(Locale.ROOT, "%s %.3f", r.metric(), r.testMetric())
                        : r.verdict() != null ? r.verdict() : r.paper1Rank() != null
                        ? "paper-1 r " + r.paper1Rank() + ", paper-2 r " + r.paper2Rank() : "done";
            } else {
                what = "FAILED: " + ((CellEngine.Failed) o).error();
            }
            err.printf(Locale.ROOT, "[%d/%d] %s: %s (%.1f s, ETA %s)%n", index, total, cell.label(), what,
                    o.timing().seconds(), eta(eta));
        }

        private static String eta(double s) {
            long t = Math.round(s);
            return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                    : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
        }
    }

    static List<String> modeNames() {
        return CellRunners.names();
    }

    static List<Integer> defaultSeeds() {
        return FewShotSampler.DEFAULT_SEEDS;
    }
}
