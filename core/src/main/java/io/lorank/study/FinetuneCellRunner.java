package io.lorank.study;

import io.lorank.LorankException;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.eval.Evaluation;
import io.lorank.finetune.FinetuneConfig;
import io.lorank.finetune.FinetuneResult;
import io.lorank.finetune.Finetuning;
import io.lorank.finetune.TrainConfig;
import io.lorank.finetune.TrainResult;
import io.lorank.head.HeadKind;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraInit;
import io.lorank.model.ModelSource;
import io.lorank.util.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Mode {@code finetune}: real LoRA (or full) fine-tuning of the encoder on one seed's k-shot split (issue 9's
 * {@link Finetuning#run}), the kept (best dev) state scored on the test split. A cell is one (model, task, head,
 * seed, rank or full, budget); rank null means full fine-tuning (option {@code method = full}).
 *
 * <p>Options (the budget and the adapter): {@code steps}, {@code lr}, {@code batch_size}, {@code eval_every},
 * {@code patience}, {@code warmup}, {@code targets}, {@code test_cap}, {@code max_length}. The adapter (PEFT layout)
 * and the per-seed {@code metrics.json} are a keyed artefact: {@code cache/finetune/HASH16/seed-S/}, HASH16 the
 * first 16 hex digits of the cell's hash; the folder is replaced when the cell is redone.
 *
 * <p>The result: test metric and accuracy, N and K, the final training loss as {@code objective}, the loss per step
 * as {@code curve} (down-sampled), the steps run as {@code iterations}, and in {@code details} the dev curve, the kept
 * step, ‖ΔW‖_F/‖W0‖_F (mean, max, per target) and the adapter's path relative to the study folder. The wall time is
 * the cell's {@link CellTiming}. Fine-tuning on libtorch is repeatable for the first steps only (see
 * {@code Trainer}), so a recomputed cell may differ in its last digits; a done cell is never recomputed.
 */
public final class FinetuneCellRunner implements CellRunner {
    /** Optimizer steps of a fine-tuning cell when the spec names none (issue 9's budget: 200 steps of 8). */
    public static final int DEFAULT_STEPS = 200;

    @Override
    public String mode() {
        return "finetune";
    }

    @Override
    public String description() {
        return "real LoRA (or full) fine-tuning of the encoder on the k-shot split: test metric, loss curve, ‖ΔW‖/‖W0‖";
    }

    @Override
    public void validate(CellSpec s) {
        if (s.model() == null || s.seed() == null || s.shots() == null || s.head() == null) {
            throw new LorankException("finetune cell " + s.label() + ": needs a model, a seed, shots and a head");
        }
        HeadKind.parse(s.head());
        boolean full = "full".equals(s.stringOption("method", "lora"));
        if (full == (s.rank() != null)) {
            throw new LorankException("finetune cell " + s.label() + ": give a rank (LoRA) or method = full, not both");
        }
        config(s, null); // the records check ranges, naming the option
    }

    /** The library config of a cell (one seed). */
    static FinetuneConfig config(CellSpec s, Path data) {
        boolean full = s.rank() == null;
        TrainConfig d = TrainConfig.defaults();
        TrainConfig tc = new TrainConfig(s.option("lr", full ? 2e-5 : d.lr()), d.weightDecay(),
                s.option("warmup", d.warmup()), s.intOption("steps", DEFAULT_STEPS), s.intOption("batch_size", d.batchSize()),
                d.clip(), s.intOption("eval_every", d.evalEvery()), s.intOption("patience", d.patience()), s.seed());
        LoraConfig lora = full ? null : new LoraConfig(s.rank(), 2.0 * s.rank(), false, 0, LoraInit.KAIMING_UNIFORM,
                s.stringOption("targets", LoraConfig.defaults().targets()), Map.of());
        return new FinetuneConfig(s.model(), s.task(), HeadKind.parse(s.head()), lora, tc, List.of(s.seed()), s.shots(),
                data, s.intOption("test_cap", 0), s.intOption("max_length", io.lorank.head.Backbone.DEFAULT_MAX_LENGTH), true);
    }

    /** The cell's artefact folder relative to the study folder: {@code cache/finetune/HASH16}. */
    public static String artefactDir(CellSpec s) {
        return Study.CACHE_DIR + "/finetune/" + s.hash().substring(0, 16);
    }

    @Override
    public Output run(CellSpec s, CellContext ctx) {
        validate(s);
        Path dir = ctx.cacheDir().resolve("finetune").resolve(s.hash().substring(0, 16));
        deleteTree(dir); // a cell killed half-way left a partial folder: redo cleanly
        FinetuneResult res = Finetuning.run(config(s, ctx.data()), dir);
        FinetuneResult.Seed r = res.perSeed().get(0);
        TrainResult tr = r.train();
        double[] losses = tr.losses().stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Object> det = new LinkedHashMap<>();
        det.put("method", s.rank() == null ? "full" : "lora");
        det.put("best_step", tr.bestStep());
        det.put("best_dev", Double.isNaN(tr.bestDev()) ? null : tr.bestDev());
        det.put("stopped_early", tr.stoppedEarly());
        det.put("dev_steps", tr.dev().stream().map(TrainResult.DevPoint::step).toList());
        det.put("dev_curve", tr.dev().stream().map(TrainResult.DevPoint::metric).toList());
        Map<String, Double> ratio = new java.util.TreeMap<>(r.deltaRatio());
        det.put("delta_w_over_w0_mean", ratio.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        det.put("delta_w_over_w0_max", ratio.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        det.put("delta_w_over_w0", ratio);
        if (r.adapterWritten()) {
            det.put("adapter", artefactDir(s) + "/seed-" + s.seed() + "/adapter");
        }
        Task task = Evaluation.resolveTask(s.task());
        FewShotSplit split = Evaluation.capped(SplitLoader.load(task, Evaluation.resolveData(task, ctx.data()),
                new SplitLoader.Request(s.shots(), s.seed(), false)), s.intOption("test_cap", 0));
        CellResult out = CellResult.builder()
                .metric(task.metric().shortName(), r.testMetric())
                .accuracy(r.testAccuracy(), split.test().size())
                .problem(split.train().size(), task.numClasses())
                .objective(losses.length == 0 ? Double.NaN : losses[losses.length - 1])
                .solver(tr.stoppedEarly() ? "EARLY_STOP" : "MAX_STEPS", tr.stepsRun(), losses)
                .details(det).build();
        AtomicFiles.writeString(dir.resolve("cell.json"), s.canonicalJson() + "\n");
        return new Output(out, ModelSource.load(s.model()).sha256());
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot clear the fine-tuning artefact folder (" + e.getMessage() + ")");
        }
    }
}
