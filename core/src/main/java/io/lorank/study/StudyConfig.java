package io.lorank.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lorank.LorankException;
import io.lorank.eval.Evaluation;
import io.lorank.head.HeadKind;
import io.lorank.model.ModelRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study's grid, validated: models × tasks × seeds × ranks × modes × heads × λ fractions. Each mode uses the
 * dimensions it needs ({@link #expand()}): {@code eval} models × tasks × seeds × heads; {@code bounds} models ×
 * tasks; {@code synthetic} seeds × ranks × λ fractions on the {@link #synthetic} problem; {@code linearized}
 * models × tasks × heads × λ fractions × seeds × ranks (one group per model, task, head and λ: see
 * {@link LinearizedCellRunner}); {@code kernel} models × tasks × heads × seeds (one group per model, task and head,
 * solver lstsq: see {@link KernelCellRunner}); {@code finetune} models × tasks × heads × seeds × ranks (plus full,
 * see {@link Finetune}). Its canonical JSON hash
 * names the grid: a study folder holds one grid.
 *
 * @param shots     k per class
 * @param testCap   keep at most this many test examples (0: all)
 * @param maxLength tokens per input
 * @param targets   LoRA targets (a {@code TargetSelection} spec) for the rank modes and the bounds
 * @param synthetic the planted problem of mode {@code synthetic} (null when that mode is not run)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyConfig(List<String> models, List<String> tasks, List<Integer> seeds, List<Integer> ranks,
                          List<String> modes, List<String> heads, List<Double> lambdaFractions, int shots, int testCap,
                          int maxLength, String targets, Synthetic synthetic, Linearized linearized,
                          Finetune finetune, Kernel kernel) {

    /** A grid without mode {@code kernel}'s block (the study's heads and lstsq apply when that mode is run). */
    public StudyConfig(List<String> models, List<String> tasks, List<Integer> seeds, List<Integer> ranks,
                       List<String> modes, List<String> heads, List<Double> lambdaFractions, int shots, int testCap,
                       int maxLength, String targets, Synthetic synthetic, Linearized linearized, Finetune finetune) {
        this(models, tasks, seeds, ranks, modes, heads, lambdaFractions, shots, testCap, maxLength, targets, synthetic,
                linearized, finetune, null);
    }

    /** A grid without mode {@code finetune}'s block (its default applies when that mode is run). */
    public StudyConfig(List<String> models, List<String> tasks, List<Integer> seeds, List<Integer> ranks,
                       List<String> modes, List<String> heads, List<Double> lambdaFractions, int shots, int testCap,
                       int maxLength, String targets, Synthetic synthetic, Linearized linearized) {
        this(models, tasks, seeds, ranks, modes, heads, lambdaFractions, shots, testCap, maxLength, targets, synthetic,
                linearized, null, null);
    }

    /**
     * Mode {@code kernel}'s block. Absent (null), the study's heads and least squares apply, and the grid's hash is
     * what it was before this block existed.
     *
     * @param heads  heads of this mode (empty: the study's {@code heads})
     * @param solver lstsq, logistic or svm
     */
    public record Kernel(List<String> heads, String solver) {
        public Kernel {
            heads = heads == null ? List.of() : List.copyOf(heads);
            solver = solver == null ? "lstsq" : solver;
            List<String> known = java.util.Arrays.stream(io.lorank.kernel.KernelSolver.Kind.values())
                    .map(io.lorank.kernel.KernelSolver.Kind::lowerName).toList();
            if (!known.contains(solver)) {
                throw new LorankException("kernel.solver: '" + solver + "' is not a kernel solver; allowed: "
                        + String.join(", ", known));
            }
        }
    }

    /**
     * Solver budgets of mode {@code linearized} (issue 11's defaults: 2000 LoRA and 300 convex iterations).
     *
     * @param paper1Rank also solve LoRA at each task's paper-1 threshold (smallest r with r(r+1)/2 &gt; KN for the
     *                   k-shot train set, N = k·classes, K = classes)
     * @param heads      heads of this mode (empty: the study's {@code heads})
     */
    public record Linearized(int loraIterations, int convexIterations, boolean paper1Rank, List<String> heads) {
        public Linearized {
            heads = heads == null ? List.of() : List.copyOf(heads);
            if (loraIterations < 1 || convexIterations < 1) {
                throw new LorankException("linearized.lora_iterations / convex_iterations: " + loraIterations + " / "
                        + convexIterations + " are not allowed; expected >= 1");
            }
        }

        public Linearized(int loraIterations, int convexIterations) {
            this(loraIterations, convexIterations, false, List.of());
        }

        public static Linearized defaults() {
            return new Linearized(2000, 300, false, List.of());
        }
    }

    /**
     * Budget of mode {@code finetune}: one cell per (model, task, head, seed, rank or full).
     *
     * @param ranks     LoRA ranks (empty: the study's {@code ranks})
     * @param full      also fine-tune every encoder weight (a cell per seed with rank null)
     * @param steps     optimizer steps per cell
     * @param lr        peak learning rate of the LoRA cells (full cells use lr / 50, issue 9's 2e-5 at 1e-3)
     * @param batchSize examples per step
     * @param evalEvery dev evaluation every n steps (the best dev state is kept)
     * @param patience  dev evaluations without improvement before an early stop (0: never)
     * @param heads     heads of this mode (empty: the study's {@code heads})
     */
    public record Finetune(List<Integer> ranks, boolean full, int steps, double lr, int batchSize, int evalEvery,
                           int patience, List<String> heads) {
        public Finetune {
            ranks = ranks == null ? List.of() : List.copyOf(ranks);
            heads = heads == null ? List.of() : List.copyOf(heads);
            for (int r : ranks) {
                if (r < 1) {
                    throw new LorankException("finetune.ranks: " + r + " is not allowed; expected ranks >= 1");
                }
            }
            if (steps < 1 || batchSize < 1 || evalEvery < 1 || patience < 0) {
                throw new LorankException("finetune.steps / batch_size / eval_every / patience: " + steps + " / " + batchSize
                        + " / " + evalEvery + " / " + patience + " are not allowed; expected >= 1, >= 1, >= 1, >= 0");
            }
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new LorankException("finetune.lr: " + lr + " is not allowed; expected a finite learning rate > 0");
            }
        }

        /** Issue 9's budget: 200 steps of 8 at lr 1e-3, dev every 20 steps, patience 5, the study's ranks. */
        public static Finetune defaults() {
            return new Finetune(List.of(), false, FinetuneCellRunner.DEFAULT_STEPS, 1e-3, 8, 20, 5, List.of());
        }
    }

    /** Settings of the planted synthetic problem. */
    public record Synthetic(int m, int n, int examples, int outputs, int plantedRank, String loss, int inits) {
        public Synthetic {
            if (m < 1 || n < 1 || examples < 1 || outputs < 1) {
                throw new LorankException("synthetic: m, n, examples and outputs must be >= 1; got " + m + ", " + n
                        + ", " + examples + ", " + outputs);
            }
            if (plantedRank < 1 || plantedRank > Math.min(m, n)) {
                throw new LorankException("synthetic.planted_rank: " + plantedRank + " is not allowed; expected 1.." + Math.min(m, n));
            }
            if (inits < 1) {
                throw new LorankException("synthetic.inits: " + inits + " is not allowed; expected >= 1");
            }
            if (!List.of("ce", "squared", "logistic").contains(loss)) {
                throw new LorankException("synthetic.loss: '" + loss + "' is not a loss; allowed: ce, squared, logistic");
            }
        }

        public static Synthetic defaults() {
            return new Synthetic(24, 24, 16, 2, 2, "ce", 1);
        }

        String taskName() {
            return "synthetic-" + m + "x" + n + "-N" + examples + "-K" + outputs + "-r" + plantedRank + "-" + loss;
        }
    }

    public StudyConfig {
        modes = nonEmpty("modes", modes);
        boolean realModes = modes.stream().anyMatch(m -> !m.equals("synthetic"));
        models = realModes ? nonEmpty("models", models) : List.of();
        tasks = realModes ? nonEmpty("tasks", tasks) : List.of();
        seeds = nonEmpty("seeds", seeds);
        ranks = ranks == null ? List.of() : List.copyOf(ranks);
        heads = heads == null ? List.of() : List.copyOf(heads);
        lambdaFractions = lambdaFractions == null ? List.of() : List.copyOf(lambdaFractions);
        for (int s : seeds) {
            if (s < 0) {
                throw new LorankException("seeds: " + s + " is not allowed; expected seeds >= 0");
            }
        }
        for (int r : ranks) {
            if (r < 1) {
                throw new LorankException("ranks: " + r + " is not allowed; expected ranks >= 1");
            }
        }
        for (double f : lambdaFractions) {
            if (!(f > 0 && f < 1)) {
                throw new LorankException("lambda_fractions: " + f + " is not allowed; expected values in (0, 1)");
            }
        }
        if (shots < 1) {
            throw new LorankException("shots: " + shots + " is not allowed; expected k >= 1");
        }
        if (testCap < 0) {
            throw new LorankException("test_cap: " + testCap + " is not allowed; expected 0 (all) or a positive count");
        }
        if (maxLength < 8 || maxLength > 8192) {
            throw new LorankException("max_length: " + maxLength + " is not allowed; expected 8..8192");
        }
        if (targets == null || targets.isBlank()) {
            targets = BoundsCellRunner.DEFAULT_TARGETS;
        }
        for (String m : modes) {
            CellRunners.get(m);
        }
        if (!modes.contains("kernel")) {
            kernel = null;
        }
        if (modes.contains("kernel") && heads.isEmpty() && (kernel == null || kernel.heads().isEmpty())) {
            throw new LorankException("heads: empty, but mode kernel needs at least one head; allowed: mlm, embedding, probe");
        }
        if (modes.contains("eval") && heads.isEmpty()) {
            throw new LorankException("heads: empty, but mode eval needs at least one head; allowed: mlm, embedding, probe");
        }
        if (modes.contains("synthetic")) {
            if (ranks.isEmpty() || lambdaFractions.isEmpty()) {
                throw new LorankException("mode synthetic needs ranks and lambda_fractions, e.g. ranks 1,2,4 and lambda_fractions 0.1");
            }
            if (synthetic == null) {
                synthetic = Synthetic.defaults();
            }
        } else {
            synthetic = null;
        }
        if (modes.contains("linearized")) {
            if (linearized == null) {
                linearized = Linearized.defaults();
            }
            if (ranks.isEmpty() || lambdaFractions.isEmpty() || (heads.isEmpty() && linearized.heads().isEmpty())) {
                throw new LorankException("mode linearized needs ranks, heads and lambda_fractions, e.g. ranks 1,2,4,8, "
                        + "heads embedding and lambda_fractions 0.05");
            }
        } else {
            linearized = null;
        }
        if (modes.contains("finetune")) {
            if (finetune == null) {
                finetune = Finetune.defaults();
            }
            if (heads.isEmpty() && finetune.heads().isEmpty()) {
                throw new LorankException("mode finetune needs heads, e.g. heads embedding (or finetune.heads)");
            }
            if (finetune.ranks().isEmpty() && ranks.isEmpty() && !finetune.full()) {
                throw new LorankException("mode finetune needs ranks (ranks, or finetune.ranks) or finetune.full: true");
            }
        } else {
            finetune = null;
        }
    }

    private static <T> List<T> nonEmpty(String key, List<T> v) {
        if (v == null || v.isEmpty()) {
            throw new LorankException(key + ": empty; give at least one value (--" + key.replace('_', '-') + ")");
        }
        if (v.stream().distinct().count() != v.size()) {
            throw new LorankException(key + ": " + v + " repeats a value; give each once");
        }
        return List.copyOf(v);
    }

    /** Checks every model, task and head name (one-line errors listing the known ones). Reads no weights. */
    public void validateNames() {
        boolean needsModel = modes.stream().anyMatch(m -> !m.equals("synthetic"));
        if (needsModel) {
            for (String m : models) {
                ModelRegistry.config(m);
            }
            for (String t : tasks) {
                Evaluation.resolveTask(t);
            }
        }
        if (modes.contains("eval") || modes.contains("linearized") || modes.contains("kernel")
                || modes.contains("finetune")) {
            for (String h : heads) {
                HeadKind.parse(h);
            }
            for (String h : linearized == null ? List.<String>of() : linearized.heads()) {
                HeadKind.parse(h);
            }
            for (String h : finetune == null ? List.<String>of() : finetune.heads()) {
                HeadKind.parse(h);
            }
            for (String h : kernel == null ? List.<String>of() : kernel.heads()) {
                HeadKind.parse(h);
            }
        }
    }

    /** The grid's cells, in a fixed order (mode, model, task, seed, head/rank, λ). */
    public List<CellSpec> expand() {
        List<CellSpec> out = new ArrayList<>();
        for (String mode : modes) {
            switch (mode) {
                case "eval" -> {
                    for (String model : models) {
                        for (String task : tasks) {
                            for (int seed : seeds) {
                                for (String head : heads) {
                                    out.add(new CellSpec(mode, model, task, seed, shots, head, null, null, evalOptions()));
                                }
                            }
                        }
                    }
                }
                case "bounds" -> {
                    for (String model : models) {
                        for (String task : tasks) {
                            out.add(new CellSpec(mode, model, task, null, shots, null, null, null, Map.of("targets", targets)));
                        }
                    }
                }
                case "synthetic" -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("m", synthetic.m());
                    o.put("n", synthetic.n());
                    o.put("examples", synthetic.examples());
                    o.put("outputs", synthetic.outputs());
                    o.put("planted_rank", synthetic.plantedRank());
                    o.put("loss", synthetic.loss());
                    o.put("inits", synthetic.inits());
                    for (int seed : seeds) {
                        for (int rank : ranks) {
                            for (double f : lambdaFractions) {
                                out.add(new CellSpec(mode, null, synthetic.taskName(), seed, null, null, rank, f, o));
                            }
                        }
                    }
                }
                case "linearized" -> {
                    for (String model : models) {
                        for (String task : tasks) {
                            for (String head : linearized.heads().isEmpty() ? heads : linearized.heads()) {
                                for (double f : lambdaFractions) {
                                    Map<String, Object> o = new LinkedHashMap<>();
                                    o.put("targets", targets);
                                    o.put("test_cap", testCap);
                                    o.put("max_length", maxLength);
                                    o.put("lora_iterations", linearized.loraIterations());
                                    o.put("convex_iterations", linearized.convexIterations());
                                    o.put("group_seeds", join(seeds));
                                    List<Integer> rs = linearizedRanks(task);
                                    o.put("group_ranks", join(rs));
                                    for (int seed : seeds) {
                                        for (int rank : rs) {
                                            out.add(new CellSpec(mode, model, task, seed, shots, head, rank, f, o));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                case "kernel" -> {
                    for (String model : models) {
                        for (String task : tasks) {
                            for (String head : kernel == null || kernel.heads().isEmpty() ? heads : kernel.heads()) {
                                Map<String, Object> o = new LinkedHashMap<>();
                                o.put("targets", targets);
                                o.put("test_cap", testCap);
                                o.put("max_length", maxLength);
                                o.put("solver", kernel == null ? "lstsq" : kernel.solver());
                                o.put("group_seeds", join(seeds));
                                for (int seed : seeds) {
                                    out.add(new CellSpec(mode, model, task, seed, shots, head, null, null, o));
                                }
                            }
                        }
                    }
                }
                case "finetune" -> expandFinetune(out);
                default -> throw new LorankException("modes: '" + mode + "' has no grid expansion; available: "
                        + String.join(", ", CellRunners.names()));
            }
        }
        for (CellSpec c : out) {
            CellRunners.get(c.mode()).validate(c);
        }
        return out;
    }

    /** The study's ranks, plus the task's paper-1 threshold when {@code linearized.paper1_rank} (sorted, distinct). */
    private List<Integer> linearizedRanks(String task) {
        if (!linearized.paper1Rank()) {
            return ranks;
        }
        java.util.TreeSet<Integer> rs = new java.util.TreeSet<>(ranks);
        int classes = Evaluation.resolveTask(task).numClasses();
        rs.add((int) io.lorank.linearized.RankBounds.paper1Rank((long) shots * classes * classes));
        return List.copyOf(rs);
    }

    /** Mode finetune: models × tasks × heads × seeds × (ranks, then full). */
    private void expandFinetune(List<CellSpec> out) {
        List<Integer> rs = finetune.ranks().isEmpty() ? ranks : finetune.ranks();
        for (String model : models) {
            for (String task : tasks) {
                for (String head : finetune.heads().isEmpty() ? heads : finetune.heads()) {
                    for (int seed : seeds) {
                        for (int rank : rs) {
                            out.add(new CellSpec("finetune", model, task, seed, shots, head, rank, null, finetuneOptions(false)));
                        }
                        if (finetune.full()) {
                            out.add(new CellSpec("finetune", model, task, seed, shots, head, null, null, finetuneOptions(true)));
                        }
                    }
                }
            }
        }
    }

    private Map<String, Object> finetuneOptions(boolean full) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("method", full ? "full" : "lora");
        o.put("steps", finetune.steps());
        o.put("lr", full ? finetune.lr() / 50 : finetune.lr());
        o.put("batch_size", finetune.batchSize());
        o.put("eval_every", finetune.evalEvery());
        o.put("patience", finetune.patience());
        o.put("targets", targets);
        o.put("test_cap", testCap);
        o.put("max_length", maxLength);
        return o;
    }

    private static String join(List<Integer> v) {
        return String.join(",", v.stream().map(String::valueOf).toList());
    }

    private Map<String, Object> evalOptions() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("test_cap", testCap);
        o.put("max_length", maxLength);
        return o;
    }

    /** SHA-256 of the canonical JSON: the grid's identity. */
    public String hash() {
        return Canonical.hash(this);
    }
}
