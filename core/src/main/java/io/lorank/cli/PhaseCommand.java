package io.lorank.cli;

import io.lorank.linearized.phase.CstarEstimator;
import io.lorank.linearized.phase.PhaseConfig;
import io.lorank.linearized.phase.PhaseExperiment;
import io.lorank.report.PhaseOutputs;
import io.lorank.linearized.phase.PhaseSolver;
import io.lorank.cli.options.Converters;
import io.lorank.cli.options.RunFolderOptions;
import io.lorank.util.Json;
import io.lorank.util.RunFolder;
import io.lorank.util.Undetermined;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lorank phase}: the C* phase-transition experiment on Gaussian-iid measurements. */
@Command(name = "phase", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Measure C*: the ratio (r(m+n) - r^2)/KN at which LoRA (rank r, random init, squared loss, "
                + "lambda -> 0) interpolates random targets from KN Gaussian-iid measurements in 50%% of inits.",
        footer = {"", "Example:", "  lorank phase --m 16 --n 16 --ranks 1,2,3 --trials 100 --seed 42 --out phase-out"})
public final class PhaseCommand implements Callable<Integer> {
    @Option(names = "--m", defaultValue = "16", converter = Converters.PositiveInt.class,
            description = "rows (out) of each G_j, 2..256")
    int m;

    @Option(names = "--n", defaultValue = "16", converter = Converters.PositiveInt.class,
            description = "columns (in) of each G_j, 2..256")
    int n;

    @Option(names = "--ranks", defaultValue = "1,2,3", split = ",", converter = Converters.PositiveInt.class,
            description = "LoRA ranks, each 1..min(m,n)")
    List<Integer> ranks;

    @Option(names = "--kn", split = ",", converter = Converters.PositiveInt.class,
            description = "explicit KN grid for every rank (default: auto grid KN = round(d(r)/rho) for rho in --ratios)")
    List<Integer> kn;

    @Option(names = "--ratios", split = ",", defaultValue = PhaseConfig.DEFAULT_RATIOS_TEXT,
            converter = Converters.PositiveDouble.class, description = "auto-grid ratios rho = d(r)/KN (> 0)")
    List<Double> ratios;

    @Option(names = "--trials", defaultValue = "100", converter = Converters.PositiveInt.class,
            description = "inits per cell (each with its own G, y)")
    int trials;

    @Option(names = "--seed", defaultValue = "42", description = "master seed")
    long seed;

    @Option(names = "--solver", defaultValue = "LM", description = "optimizer on (B, A): ${COMPLETION-CANDIDATES} "
            + "(LM = Levenberg-Marquardt, GD = gradient descent with Armijo steps)")
    PhaseSolver solver;

    @Option(names = "--restarts", defaultValue = "1", converter = Converters.PositiveInt.class, description = "inits per (G, y) draw; success if any "
            + "interpolates (1 = single-init experiment)")
    int restarts;

    @Option(names = "--max-iterations", defaultValue = "400", converter = Converters.PositiveInt.class, description = "iteration budget per trial")
    int maxIterations;

    @Option(names = "--tolerance", defaultValue = "1e-10", converter = Converters.Fraction.class, description = "success: final loss <= tolerance * initial loss")
    double tolerance;

    @Option(names = "--bootstrap", defaultValue = "200", converter = Converters.PositiveInt.class, description = "bootstrap replicates for the C* interval")
    int bootstrap;

    @Option(names = "--threads", converter = Converters.PositiveInt.class, description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--out", defaultValue = "phase-out", description = "run folder (CSV, JSON, PNGs, run.json);"
            + " replaced whole when the run completes")
    Path out;

    @CommandLine.Mixin
    RunFolderOptions runFolder;

    @Option(names = "--json", description = "print JSON (cstar, cstar_low, cstar_high, per_rank, ...) instead of text")
    boolean json;

    @Override
    public Integer call() {
        PhaseConfig cfg = new PhaseConfig(m, n, ranks, kn, ratios, trials, seed, maxIterations, tolerance, bootstrap,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads, solver, restarts);
        PhaseExperiment.Result res;
        // the run's identity is its experiment, not how many threads ran it
        com.fasterxml.jackson.databind.node.ObjectNode identity = Json.MAPPER.valueToTree(cfg);
        identity.remove("threads");
        try (RunFolder run = RunFolder.open(out, runFolder.force, "phase", identity)) { // --out checked before the work
            res = PhaseExperiment.run(cfg);
            PhaseOutputs.writeAll(res, run.dir());
            run.commit();
        }
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("cstar", res.pooled().cstar());
            j.put("cstar_low", res.pooled().low());
            j.put("cstar_high", res.pooled().high());
            j.put("cstar_interpolated", res.pooled().interpolated());
            j.put("per_rank", res.perRank());
            j.put("pooled_loose_tolerance", res.pooledLoose());
            j.put("seconds", res.seconds());
            j.put("out", out.toString());
            j.put("config", cfg);
            j.put("determined", res.pooled().determined());
            System.out.println(ProvenanceJson.write(j, cfg, null));
        } else {
            System.out.print(text(res));
            System.out.println("wrote " + out.resolve(PhaseOutputs.CSV) + ", " + PhaseOutputs.JSON + ", "
                    + PhaseOutputs.HEATMAP + ", " + PhaseOutputs.CURVE);
        }
        System.out.flush();
        if (!res.pooled().determined()) {
            throw new Undetermined("C* (pooled): " + res.pooled().undeterminedReason());
        }
        return 0;
    }

    static String text(PhaseExperiment.Result res) {
        StringBuilder sb = new StringBuilder();
        PhaseConfig c = res.config();
        sb.append(String.format(Locale.ROOT, "m=%d n=%d ranks=%s trials=%d seed=%d solver=%s restarts=%d tol=%.0e budget=%d  (%.1f s)%n",
                c.m(), c.n(), c.ranks(), c.trials(), c.seed(), c.solver(), c.restarts(), c.tolerance(), c.maxIterations(), res.seconds()));
        sb.append(String.format(Locale.ROOT, "%3s %6s %6s %8s %9s %8s%n", "r", "KN", "d(r)", "rho", "success", "loose"));
        for (PhaseExperiment.CellResult cell : res.cells()) {
            sb.append(String.format(Locale.ROOT, "%3d %6d %6d %8.3f %4d/%-4d %8d%n", cell.r(), cell.kn(), cell.dimension(),
                    cell.ratio(), cell.successes(), cell.trials(), cell.successesLoose()));
        }
        for (Map.Entry<Integer, CstarEstimator.Estimate> e : res.perRank().entrySet()) {
            sb.append(line("r = " + e.getKey(), e.getValue()));
        }
        sb.append(line("pooled", res.pooled()));
        sb.append(line("pooled, tol 1e-6", res.pooledLoose()));
        if (res.pooled().determined()) { // never a claim from an estimate that could not be made
            sb.append(String.format(Locale.ROOT, "paper 2's C* = 1.35 is %s the pooled 95%% bootstrap interval%n",
                    res.pooled().low() <= 1.35 && 1.35 <= res.pooled().high() ? "inside" : "outside"));
        }
        return sb.toString();
    }

    private static String line(String label, CstarEstimator.Estimate e) {
        if (!Double.isFinite(e.cstar())) {
            return String.format(Locale.ROOT, "C* %-18s undetermined (no transition in the grid)%n", label);
        }
        if (!e.determined()) {
            return String.format(Locale.ROOT, "C* %-18s %.3f  95%% bootstrap undetermined (%d of %d replicates fit)%n",
                    label, e.cstar(), e.bootstrapValid(), e.bootstrapReps());
        }
        return String.format(Locale.ROOT, "C* %-18s %.3f  95%% bootstrap [%.3f, %.3f]  (interpolated %.3f)%n",
                label, e.cstar(), e.low(), e.high(), e.interpolated());
    }
}
