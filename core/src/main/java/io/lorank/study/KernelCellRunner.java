package io.lorank.study;

import io.lorank.LorankException;
import io.lorank.entk.KernelBaselines;
import io.lorank.entk.KernelConfig;
import io.lorank.entk.KernelReport;
import io.lorank.head.HeadKind;
import io.lorank.kernel.GramPrecision;
import io.lorank.kernel.KernelSolver;
import io.lorank.model.ModelSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mode {@code kernel}: LM-Kernel-FT's kernel baseline on the encoder's eNTK at W0 ({@link KernelBaselines}) — the
 * k-shot train split's kernel, the solver (option {@code solver}: lstsq by default, logistic or svm) fitted on it,
 * its test metric through the streamed test-vs-train kernel. Options: {@code targets}, {@code test_cap},
 * {@code max_length}, {@code solver}, {@code group_seeds}.
 *
 * <p>A cell is one seed, but one streamed test pass serves every seed of {@code group_seeds}: the first cell of the
 * group computes it and stores every seed's result as a keyed artefact (key: the spec without the seed); the others
 * read theirs. A cell computed alone recomputes the group, so no cell depends on another having run, and the result
 * bytes are the same either way (the same pattern as {@link LinearizedCellRunner}).
 */
public final class KernelCellRunner implements CellRunner {
    @Override
    public String mode() {
        return "kernel";
    }

    @Override
    public String description() {
        return "LM-Kernel-FT's kernel baseline (lstsq, logistic or svm) on the encoder's eNTK at W0, test metric";
    }

    @Override
    public void validate(CellSpec s) {
        if (s.model() == null || s.seed() == null || s.shots() == null || s.head() == null) {
            throw new LorankException("kernel cell " + s.label() + ": needs a model, a seed, shots and a head");
        }
        HeadKind.parse(s.head());
        KernelSolver.Kind.parse(s.stringOption("solver", "lstsq"));
        if (!seeds(s).contains(s.seed())) {
            throw new LorankException("kernel cell " + s.label() + ": its seed must be in group_seeds");
        }
    }

    @Override
    public Output run(CellSpec s, CellContext ctx) {
        validate(s);
        CellSpec group = new CellSpec(s.mode(), s.model(), s.task(), null, s.shots(), s.head(), null, null, s.options());
        String json = ctx.cache().text("kernel-group|" + group.canonicalJson(), () -> Canonical.json(computeGroup(s, ctx)));
        LinearizedCellRunner.Group g = Canonical.read(json, LinearizedCellRunner.Group.class);
        CellResult r = g.results().get(Integer.toString(s.seed()));
        if (r == null) {
            throw new IllegalStateException("kernel group " + group.hash() + " has no result for " + s.label());
        }
        return new Output(r, g.checkpointSha256());
    }

    private static LinearizedCellRunner.Group computeGroup(CellSpec s, CellContext ctx) {
        HeadKind head = HeadKind.parse(s.head());
        KernelSolver.Kind solver = KernelSolver.Kind.parse(s.stringOption("solver", "lstsq"));
        KernelConfig d = KernelConfig.defaults(s.model(), s.task(), head);
        KernelConfig cfg = new KernelConfig(s.model(), s.task(), head, false, s.stringOption("targets", d.targets()),
                s.shots(), seeds(s), ctx.data(), s.intOption("test_cap", d.testCap()), List.of(solver), d.reg(), false,
                GramPrecision.parse(s.stringOption("gram_precision", d.gram().label())), d.chunk(), s.intOption("max_length", d.maxLength()), null);
        KernelReport rep = KernelBaselines.run(cfg);
        String sha = ModelSource.load(s.model()).sha256();
        Map<Integer, KernelReport.Row> zero = new TreeMap<>();
        for (KernelReport.Row row : rep.rows()) {
            if (row.solver().equals("zero-shot")) {
                zero.put(row.seed(), row);
            }
        }
        Map<String, CellResult> out = new TreeMap<>();
        for (KernelReport.Row row : rep.rows()) {
            if (!row.solver().equals(solver.lowerName())) {
                continue;
            }
            Map<String, Object> det = new LinkedHashMap<>(row.details());
            det.put("solver", row.solver());
            det.put("train_accuracy", row.trainAccuracy());
            det.put("zero_shot_test_metric", zero.get(row.seed()).testMetric());
            det.put("targets", String.join(",", rep.targets()));
            out.put(Integer.toString(row.seed()), CellResult.builder()
                    .metric(rep.metric(), row.testMetric())
                    .accuracy(row.testAccuracy(), rep.testSize())
                    .problem(rep.examples(), rep.outputs())
                    .details(det).build());
        }
        return new LinearizedCellRunner.Group(sha, out);
    }

    private static List<Integer> seeds(CellSpec s) {
        String v = s.stringOption("group_seeds", "");
        try {
            return Arrays.stream(v.split(",")).filter(x -> !x.isBlank()).map(x -> Integer.parseInt(x.trim())).toList();
        } catch (NumberFormatException e) {
            throw new LorankException("kernel cell " + s.label() + ": option group_seeds = '" + v + "' is not a comma-separated integer list");
        }
    }
}
