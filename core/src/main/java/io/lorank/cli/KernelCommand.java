package io.lorank.cli;

import io.lorank.entk.KernelBaselines;
import io.lorank.entk.KernelConfig;
import io.lorank.entk.KernelReport;
import io.lorank.kernel.KernelSolver;
import io.lorank.util.Json;
import io.lorank.cli.options.EntkTaskOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank kernel}: LM-Kernel-FT's eNTK kernel baselines (lstsq, logistic, SVM) on a few-shot task. */
@Command(name = "kernel", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Fit LM-Kernel-FT's kernel baselines on the eNTK at W0: per seed, the k-shot train split's "
                + "(N*K)x(N*K) kernel (gradients of the head's K outputs w.r.t. the target Linears), the test-vs-train "
                + "kernel streamed in blocks, then least squares (one-hot targets, or +-1 with --binary), logistic "
                + "regression on kernel rows, or an SVM on the precomputed kernel; prediction by arg-max (sign with "
                + "--binary). Prints the test metric per seed and mean ± std.",
        footer = {"", "Examples:",
                "  lorank kernel --task SST-2 --seeds 13,21",
                "  lorank kernel --task MNLI --solver lstsq,logistic --test-cap 1000 --out runs/mnli-kernel",
                "  lorank kernel --task RTE --binary --solver svm"})
public final class KernelCommand implements Runnable {
    @Mixin
    EntkTaskOptions in;

    @Option(names = "--solver", split = ",", defaultValue = "lstsq", paramLabel = "lstsq|logistic|svm",
            converter = SolverConverter.class,
            description = "Kernel solver(s), comma-separated; one kernel computation serves all.")
    List<KernelSolver.Kind> solvers;

    @Option(names = "--reg", defaultValue = "0", paramLabel = "X",
            description = "Regularization reg*sigma_max*I added to the train kernel (LM-Kernel-FT's --kernel_regularization).")
    double reg;

    @Option(names = "--adjust-for-init", description = "Fit y - f0 and add f0(x) back at test time (lstsq only).")
    boolean adjustForInit;

    @Option(names = "--gram-precision", defaultValue = "fp32", paramLabel = "fp32|fp64",
            converter = io.lorank.cli.options.Converters.Gram.class,
            description = "Arithmetic of the kernel's inner products: fp32 (as the fp32 factors) or fp64 (the exact Gram of the factors, ~2x the time).")
    io.lorank.kernel.GramPrecision gramPrecision;

    @Option(names = "--out", paramLabel = "DIR", description = "Write config.json and results.json.")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Solver names → kinds; an unknown name lists the valid ones. */
    static final class SolverConverter implements CommandLine.ITypeConverter<KernelSolver.Kind> {
        @Override
        public KernelSolver.Kind convert(String value) {
            try {
                return KernelSolver.Kind.parse(value);
            } catch (io.lorank.LorankException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public void run() {
        KernelConfig cfg = new KernelConfig(in.model, in.task, in.head, in.binary, in.targets, in.shots, in.seeds, in.data,
                in.testCap, solvers, reg, adjustForInit, gramPrecision, in.chunk, in.maxLength, out);
        KernelReport r = KernelBaselines.run(cfg);
        if (out != null) {
            EntkTaskOptions.writeRun(out, "kernel", cfg, r);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(Json.write(r));
            w.flush();
            return;
        }
        w.printf(Locale.ROOT, "%s, %s, %s head%s, N=%d K=%d, %d targets, test %d (%s)%s%s%n", r.task(), r.model(),
                r.head(), in.binary ? " (binary)" : "", r.examples(), r.outputs(), r.targets().size(), r.testSize(), r.metric(),
                reg > 0 ? String.format(Locale.ROOT, ", reg %.3g sigma_max", reg) : "", adjustForInit ? ", adjusted for f0" : "");
        for (KernelReport.Row row : r.rows()) {
            w.printf(Locale.ROOT, "  seed %-4d %-10s test %5.1f  (acc %5.1f, train acc %5.1f)%s  factors %.1f s, kernel %.1f s%n",
                    row.seed(), row.solver(), 100 * row.testMetric(), 100 * row.testAccuracy(), 100 * row.trainAccuracy(),
                    row.details().isEmpty() ? "" : " " + details(row.details()), row.extractSeconds(), row.kernelSeconds());
        }
        w.println("  mean ± std over seeds:");
        for (KernelReport.Summary s : r.summary()) {
            w.printf(Locale.ROOT, "    %-10s test %s%n", s.solver(), s.testMetric().format(100));
        }
        w.printf(Locale.ROOT, "  %.1f s%n", r.seconds());
        w.flush();
    }

    private static String details(Map<String, Object> d) {
        StringBuilder sb = new StringBuilder();
        d.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=')
                .append(v instanceof Double x ? String.format(Locale.ROOT, "%.3g", x) : v));
        return sb.toString();
    }
}
