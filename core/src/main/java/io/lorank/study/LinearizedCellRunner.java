package io.lorank.study;

import io.lorank.LorankException;
import io.lorank.entk.LinearizedConfig;
import io.lorank.entk.LinearizedFineTuning;
import io.lorank.entk.LinearizedReport;
import io.lorank.head.HeadKind;
import io.lorank.model.ModelSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mode {@code linearized}: LoRA on the real encoder's eNTK (issue 11's {@link LinearizedFineTuning}) — factors of
 * the k-shot train set at W0, λ = lambdaFraction · λ_max, the convex optimum, LoRA at the cell's rank, its
 * certificate and its test metric (the linearized model f0 + ⟨G, BA⟩ on the test set).
 *
 * <p>A cell is one (seed, rank), but the costly parts are shared: the options {@code group_seeds} and
 * {@code group_ranks} name the cells computed together (one factor extraction per seed, one convex solve per seed,
 * one test-factor pass for every solution). The first cell of a group computes it and stores every member's result
 * as a keyed artefact (key: the spec without seed and rank); the others read theirs. A cell computed alone (artefact
 * absent) recomputes the group, so no cell depends on another having run, and the result bytes are the same either
 * way.
 */
public final class LinearizedCellRunner implements CellRunner {
    @Override
    public String mode() {
        return "linearized";
    }

    @Override
    public String description() {
        return "LoRA on the encoder's eNTK: convex optimum, LoRA at rank r, certificate, test metric";
    }

    @Override
    public void validate(CellSpec s) {
        if (s.model() == null || s.seed() == null || s.shots() == null || s.head() == null || s.rank() == null
                || s.lambdaFraction() == null) {
            throw new LorankException("linearized cell " + s.label() + ": needs a model, a seed, shots, a head, a rank and a λ fraction");
        }
        HeadKind.parse(s.head());
        if (!ints(s, "group_seeds").contains(s.seed()) || !ints(s, "group_ranks").contains(s.rank())) {
            throw new LorankException("linearized cell " + s.label() + ": its seed and rank must be in group_seeds and group_ranks");
        }
    }

    @Override
    public Output run(CellSpec s, CellContext ctx) {
        validate(s);
        CellSpec group = new CellSpec(s.mode(), s.model(), s.task(), null, s.shots(), s.head(), null, s.lambdaFraction(), s.options());
        String json = ctx.cache().text("linearized-group|" + group.canonicalJson(), () -> Canonical.json(computeGroup(s, ctx)));
        Group g = Canonical.read(json, Group.class);
        CellResult r = g.results().get(s.seed() + ":" + s.rank());
        if (r == null) {
            throw new IllegalStateException("linearized group " + group.hash() + " has no result for " + s.label());
        }
        return new Output(r, g.checkpointSha256());
    }

    /** Every member's result, keyed "seed:rank", and the checkpoint's SHA-256. */
    public record Group(String checkpointSha256, Map<String, CellResult> results) {
    }

    private static Group computeGroup(CellSpec s, CellContext ctx) {
        List<Integer> seeds = ints(s, "group_seeds");
        List<Integer> ranks = ints(s, "group_ranks");
        LinearizedConfig d = LinearizedConfig.defaults(s.model(), s.task(), HeadKind.parse(s.head()));
        LinearizedConfig cfg = new LinearizedConfig(s.model(), s.task(), HeadKind.parse(s.head()), false,
                s.stringOption("targets", d.targets()), s.shots(), seeds, ctx.data(), s.intOption("test_cap", d.testCap()),
                ranks, List.of(s.lambdaFraction()), s.intOption("lora_iterations", d.loraIterations()), d.loraMethod(),
                s.intOption("convex_iterations", d.convexIterations()), d.chunk(), s.intOption("max_length", d.maxLength()),
                d.factorDtype(), null);
        LinearizedReport rep = LinearizedFineTuning.run(cfg);
        String sha = ModelSource.load(s.model()).sha256();
        String metric = io.lorank.eval.Evaluation.resolveTask(s.task()).metric().shortName(); // as mode eval and finetune
        Map<String, CellResult> out = new TreeMap<>();
        for (LinearizedReport.SeedRun run : rep.seeds()) {
            LinearizedReport.Row convex = run.rows().stream().filter(r -> r.rank() == -1).findFirst().orElseThrow();
            LinearizedReport.Row zero = run.rows().stream().filter(r -> r.rank() == 0).findFirst().orElseThrow();
            for (LinearizedReport.Row row : run.rows()) {
                if (row.rank() <= 0) {
                    continue;
                }
                Map<String, Object> det = new LinkedHashMap<>();
                det.put("lambda", run.lambda());
                det.put("lambda_max", run.lambdaMax());
                det.put("convex_verdict", convex.verdict());
                det.put("convex_test_metric", convex.testMetric());
                det.put("convex_iterations", convex.iterations());
                det.put("convex_max_rank", Arrays.stream(run.convexRanks()).max().orElse(0)); // SVT-exact rank
                det.put("zero_shot_objective", zero.objective());
                det.put("zero_shot_test_metric", zero.testMetric());
                det.put("targets", String.join(",", rep.targets()));
                det.put("gap_to_best_dual", row.gapToBestDual()); // bounds the distance to the optimum (weak duality)
                out.put(run.seed() + ":" + row.rank(), CellResult.builder()
                        .metric(metric, row.testMetric())
                        .accuracy(row.testAccuracy(), rep.testSize())
                        .problem(rep.examples(), rep.outputs())
                        .objective(row.objective())
                        .convex(convex.objective(), null)
                        .certificate(row.verdict(), row.relativeGap(), null)
                        .solver(null, row.iterations(), row.curve())
                        .bounds(rep.paper1Rank(), rep.paper2Rank() == null ? -1 : rep.paper2Rank())
                        .details(det).build());
            }
        }
        return new Group(sha, out);
    }

    private static List<Integer> ints(CellSpec s, String key) {
        String v = s.stringOption(key, "");
        try {
            return Arrays.stream(v.split(",")).filter(x -> !x.isBlank()).map(x -> Integer.parseInt(x.trim())).toList();
        } catch (NumberFormatException e) {
            throw new LorankException("linearized cell " + s.label() + ": option " + key + " = '" + v + "' is not a comma-separated integer list");
        }
    }
}
