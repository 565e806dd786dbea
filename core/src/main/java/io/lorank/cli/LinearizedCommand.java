package io.lorank.cli;

import io.lorank.entk.LinearizedConfig;
import io.lorank.entk.LinearizedFineTuning;
import io.lorank.entk.LinearizedReport;
import io.lorank.cli.options.EntkTaskOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code lorank linearized}: certified linearized LoRA at W0 of a real encoder on a few-shot task. */
@Command(name = "linearized", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Linearize the model at W0 on each seed's k-shot train split (gradient factors of the head's "
                + "outputs w.r.t. the target Linears), solve LoRA at each rank and the convex nuclear-norm problem, "
                + "certify each LoRA point against the convex optimum, and score all on the test split "
                + "(f0 + <G(x), dW>, streamed). Prints per seed and mean ± std over seeds.",
        footer = {"", "Examples:",
                "  lorank linearized --task SST-2 --head embedding --seeds 13,21",
                "  lorank linearized --task MNLI --head embedding --lambda-fraction 0.05,1e-4 --out runs/mnli"})
public final class LinearizedCommand implements Runnable {
    @Mixin
    EntkTaskOptions in;

    @Option(names = "--ranks", split = ",", paramLabel = "R",
            description = "LoRA ranks (default: 1,2,4,8 and both papers' thresholds).")
    List<Integer> ranks;

    @Option(names = "--lambda-fraction", split = ",", defaultValue = "0.05", paramLabel = "F",
            description = "lambda as fractions of lambda_max = ||grad F(0)||_op (e.g. 0.05,1e-4).")
    List<Double> lambdaFractions;

    @Option(names = "--lora-iter", defaultValue = "2000", description = "LoRA iteration budget per solve (stops earlier when converged).")
    int loraIterations;

    @Option(names = "--lora-method", defaultValue = "lbfgs", paramLabel = "lbfgs|gd",
            converter = LoraMethodConverter.class,
            description = "LoRA solver: L-BFGS, or gradient descent with Barzilai-Borwein steps (to compare optimizers).")
    io.lorank.linearized.solvers.LoraSolverConfig.Method loraMethod;

    /** lbfgs|gd, case-insensitive; anything else is a one-line error. */
    static final class LoraMethodConverter implements CommandLine.ITypeConverter<io.lorank.linearized.solvers.LoraSolverConfig.Method> {
        @Override
        public io.lorank.linearized.solvers.LoraSolverConfig.Method convert(String v) {
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "lbfgs", "l-bfgs" -> io.lorank.linearized.solvers.LoraSolverConfig.Method.LBFGS;
                case "gd" -> io.lorank.linearized.solvers.LoraSolverConfig.Method.GD;
                default -> throw new CommandLine.TypeConversionException("'" + v + "' is not a LoRA method; expected lbfgs or gd");
            };
        }
    }

    @Option(names = "--convex-iter", defaultValue = "3000", description = "Convex (FISTA) iteration budget per seed and lambda, warm-started from the best LoRA point (stops earlier at a relative duality gap of 1e-7).")
    int convexIterations;

    @Option(names = "--factor-dtype", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "Train factors in fp32, or rounded to bf16 (half the cached bytes; test factors stay fp32).")
    String factorDtype;

    @Option(names = "--out", paramLabel = "DIR", description = "Write config.json and results.json (rows, curves).")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        LinearizedConfig cfg = new LinearizedConfig(in.model, in.task, in.head, in.binary, in.targets, in.shots, in.seeds,
                in.data, in.testCap, ranks, lambdaFractions, loraIterations, loraMethod, convexIterations, in.chunk, in.maxLength,
                io.lorank.entk.FactorDtype.parse(factorDtype), out);
        LinearizedReport r = LinearizedFineTuning.run(cfg);
        if (out != null) {
            EntkTaskOptions.writeRun(out, "linearized", cfg, r);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(ProvenanceJson.write(r, cfg, in.model));
            w.flush();
            return;
        }
        w.printf(Locale.ROOT, "%s, %s, %s head%s, N=%d K=%d, %d targets, test %d (%s)%n", r.task(), r.model(),
                in.head.lowerName(), in.binary ? " (binary)" : "", r.examples(), r.outputs(), r.targets().size(), r.testSize(), r.metric());
        w.printf(Locale.ROOT, "  thresholds: paper 1 r=%d (r(r+1)/2 > KN), paper 2 r=%s (C*=1.35), sqrt(2KN)=%.1f%n",
                r.paper1Rank(), r.paper2Rank() == null ? "unattainable" : r.paper2Rank(), r.sqrt2kn());
        for (LinearizedReport.SeedRun s : r.seeds()) {
            w.printf(Locale.ROOT, "  seed %d, lambda = %.3g x lambda_max = %.4g (lambda_max %.4g; factors %.1f MiB, %.1f s)%n",
                    s.seed(), s.lambdaFraction(), s.lambda(), s.lambdaMax(), s.trainFactorMiB(), s.extractSeconds());
            for (LinearizedReport.Row row : s.rows()) {
                w.printf(Locale.ROOT, "    %-10s obj %.6f  gap %-10s %-22s to best dual %-9s test %5.1f  (%d it)%n", row.label(),
                        row.objective(), Double.isNaN(row.gapToConvex()) ? "-" : String.format(Locale.ROOT, "%.2e", row.gapToConvex()),
                        row.verdict(), Double.isNaN(row.gapToBestDual()) ? "-" : String.format(Locale.ROOT, "%.1e", row.gapToBestDual()),
                        100 * row.testMetric(), row.iterations());
            }
            w.printf(Locale.ROOT, "    minimal certified rank: %s; convex solution's rank per target %s (max %d)%n",
                    s.minimalCertifiedRank() < 0 ? "none" : s.minimalCertifiedRank(),
                    java.util.Arrays.toString(s.convexRanks()), java.util.Arrays.stream(s.convexRanks()).max().orElse(0));
        }
        w.println("  mean ± std over seeds:");
        for (LinearizedReport.Summary s : r.summary()) {
            w.printf(Locale.ROOT, "    lambda %.3g  %-10s test %s  gap %s  certified %.0f%%  within 1e-6 of the best dual bound %.0f%%%n",
                    s.lambdaFraction(), s.label(), s.testMetric().format(100), s.gapToConvex().format(1, 4),
                    100 * s.certifiedFraction(), 100 * s.withinBestDualFraction());
        }
        w.printf(Locale.ROOT, "  %.1f s%n", r.seconds());
        w.flush();
    }
}
