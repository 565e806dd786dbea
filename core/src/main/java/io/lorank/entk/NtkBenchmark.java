package io.lorank.entk;

import io.lorank.data.Example;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.encoder.LinearTarget;
import io.lorank.encoder.TargetSelection;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.linearized.BlasFactoredOperator;
import io.lorank.kernel.CrossGram;
import io.lorank.kernel.GramPrecision;
import io.lorank.linearized.GradientFactors;
import io.lorank.linearized.LinearizedProblem;
import io.lorank.linearized.LoraFactors;
import io.lorank.linearized.Loss;
import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraSolver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code lorank bench ntk}'s library entry: the eNTK workload of the PyTorch peer's {@code entk.py} (MiniLM,
 * N sequences of exactly T tokens, K = 2 embedding-head logits, query+value of all layers) timed on lorank's real
 * path: factor extraction (repeat-batch and per-output backward), the (N·K)² Gram, one full-batch linearized LoRA step
 * at rank r (outputs, residual, both factor gradients through {@link BlasFactoredOperator}, update), one convex
 * FISTA iteration (λ = 0.05·λ_max), and the stored factor bytes against dense G at real few-shot token lengths.
 * Medians over {@code runs} after {@code warmup} untimed calls. Inputs: word sequences made to tokenize to exactly
 * T tokens under the head's prompt.
 */
public final class NtkBenchmark {
    /**
     * Seconds per workload (medians of wall time), NaN when not run; cpu*: medians of the process CPU time over the
     * same runs (all threads; what the work costs whatever else competes for the cores).
     */
    public record Result(String model, int examples, int tokens, int outputs, int targets, int rank,
                         double factorsRepeatBatch, double factorsPerOutput, double gram, double gramFp64,
                         double gramFp32Error, double loraStep,
                         double convexIteration, int convexIterationsTimed, long factorBytes, long denseBytes,
                         List<TaskSize> taskSizes, double cpuLoraStep, double cpuConvexIteration) {
    }

    /** Stored factors vs dense G on a real task's train split (seed 13). */
    public record TaskSize(String task, int examples, int outputs, int totalTokens, long factorBytes, long denseBytes) {
        public double ratio() {
            return denseBytes / (double) factorBytes;
        }
    }

    private NtkBenchmark() {
    }

    public static Result run(String model, int n, int t, int rank, int warmup, int runs, int convexIterations,
                             Path data, List<String> sizeTasks) {
        Task task = Evaluation.resolveTask("SST-2");
        try (Backbone bb = Backbone.load(model, Math.max(t, 128))) {
            List<LinearTarget> targets = TargetSelection.select(bb.encoder().targets(), TargetSelection.DEFAULT);
            try (FeatureHead head = FeatureHead.embedding(bb, task, FeatureHead.DEFAULT_SCALE)) {
                List<Example> xs = inputs(head, bb, targets, n, t);
                FactorExtractor repeat = new FactorExtractor(head, bb.encoder(), targets, false, n, FactorExtractor.Mode.REPEAT_BATCH);
                FactorExtractor perOut = new FactorExtractor(head, bb.encoder(), targets, false, n, FactorExtractor.Mode.BACKWARD_PER_OUTPUT);
                FactorExtractor.Extraction[] last = new FactorExtractor.Extraction[1];
                double fr = median(warmup, runs, () -> last[0] = repeat.extract(xs, "bench", false));
                double fp = median(warmup, runs, () -> perOut.extract(xs, "bench", false));
                GradientFactors f = last[0].factors();
                double gram = median(warmup, runs, () -> CrossGram.gram(f));
                double gramFp64 = median(warmup, runs, () -> CrossGram.of(f, f, null, GramPrecision.FP64));
                double gramError = relativeError(CrossGram.gram(f), CrossGram.of(f, f, null, GramPrecision.FP64));
                int k = f.outputs();
                double[] f0 = new double[n * k];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(last[0].f0()[i], 0, f0, i * k, k);
                }
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    y[i] = i % 2;
                }
                double lora;
                double convex;
                double cpuLora;
                double cpuConvex;
                try (BlasFactoredOperator op = BlasFactoredOperator.of(f)) {
                    LinearizedProblem p0 = new LinearizedProblem(op, f0, new Loss.SoftmaxCrossEntropy(y, k), 0.0);
                    LoraFactors start = LoraFactors.init(op, rank, true, 1.0, 1);
                    double[] cpu = new double[1];
                    lora = median(warmup, runs, () -> loraStep(p0, start, 1e-3), cpu);
                    cpuLora = cpu[0];
                    LinearizedProblem p = p0.withLambda(0.05 * p0.lambdaMax());
                    // (time of 2M iterations − time of M) / M: the start-up (objective at 0, the first iterations'
                    // Lipschitz backtracking, the final gap) cancels, leaving the steady iteration. Both lengths are
                    // warmed up, then run in alternating pairs and the median pairwise difference taken, so JIT
                    // compilation or a load change between the two series cannot make the difference negative.
                    double[] perIteration = steadyIteration(warmup, runs,
                            () -> convexSolve(p, convexIterations), () -> convexSolve(p, 2 * convexIterations), convexIterations);
                    convex = perIteration[0];
                    cpuConvex = perIteration[1];
                }
                List<TaskSize> sizes = new ArrayList<>();
                for (String name : sizeTasks) {
                    sizes.add(taskSize(bb, targets, name, data));
                }
                return new Result(bb.name(), n, t, k, targets.size(), rank, fr, fp, gram, gramFp64, gramError, lora, convex, convexIterations,
                        f.storedBytes(), f.denseBytes(), sizes, cpuLora, cpuConvex);
            }
        }
    }

    /** max |a − b| / max |b|. */
    private static double relativeError(org.ejml.data.DMatrixRMaj a, org.ejml.data.DMatrixRMaj b) {
        double diff = 0;
        double scale = 0;
        for (int q = 0; q < b.data.length; q++) {
            diff = Math.max(diff, Math.abs(a.data[q] - b.data[q]));
            scale = Math.max(scale, Math.abs(b.data[q]));
        }
        return diff / scale;
    }

    private static void convexSolve(LinearizedProblem p, int iterations) {
        ConvexResult r = ConvexSolver.solve(p, new ConvexConfig(iterations, 1e-300, iterations, 1.0));
        if (r.iterations() != iterations) {
            throw new IllegalStateException("convex stopped after " + r.iterations() + " of " + iterations + " iterations");
        }
    }

    /** One full-batch step: outputs, residual, ∇B and ∇A (all targets in one call), x − η∇. */
    private static LoraFactors loraStep(LinearizedProblem p, LoraFactors x, double eta) {
        double[] g = LoraSolver.valueAndGradient(p, x).gradient();
        double[] v = x.flatten();
        for (int j = 0; j < v.length; j++) {
            v[j] -= eta * g[j];
        }
        return x.like(v);
    }

    /** Factor bytes vs dense G for a task's seed-13 train split, from its real token lengths. */
    private static TaskSize taskSize(Backbone bb, List<LinearTarget> targets, String name, Path data) {
        Task task = Evaluation.resolveTask(name);
        FewShotSplit s = SplitLoader.load(task, Evaluation.resolveData(task, data), new SplitLoader.Request(16, 13, false));
        try (FeatureHead head = FeatureHead.embedding(bb, task, FeatureHead.DEFAULT_SCALE)) {
            GradientFactors f = new FactorExtractor(head, bb.encoder(), targets, false, FactorExtractor.DEFAULT_CHUNK,
                    FactorExtractor.Mode.REPEAT_BATCH).extract(s.train(), name + " train", false).factors();
            return new TaskSize(task.name(), f.examples(), f.outputs(), f.totalTokens(), f.storedBytes(), f.denseBytes());
        }
    }

    /** N examples of exactly T tokens under the head's prompt (word count calibrated on one example). */
    static List<Example> inputs(FeatureHead head, Backbone bb, List<LinearTarget> targets, int n, int t) {
        String[] words = {"the", "film", "was", "good", "and", "the", "story", "was", "fine", "but", "the", "end", "felt", "long"};
        FactorExtractor one = new FactorExtractor(head, bb.encoder(), targets.subList(0, 1), false, 1, FactorExtractor.Mode.REPEAT_BATCH);
        int base = one.extract(List.of(new Example("calibrate", "good", null, 0)), "calibrate", false).factors().totalTokens() - 1;
        int count = Math.max(1, t - base);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < count; w++) {
                sb.append(w == 0 ? "" : " ").append(words[(w + i) % words.length]);
            }
            out.add(new Example("bench:" + i, sb.toString(), null, i % 2));
        }
        int got = one.extract(out.subList(0, 1), "calibrate", false).factors().totalTokens();
        if (got != t) {
            throw new IllegalStateException("bench inputs have " + got + " tokens, expected " + t);
        }
        return out;
    }

    /** {median wall, median CPU} of (time(longer) − time(shorter)) / extra over alternating pairs, after warm-ups. */
    private static double[] steadyIteration(int warmup, int runs, Runnable shorter, Runnable longer, int extra) {
        for (int i = 0; i < Math.max(1, warmup); i++) { // at least one: the first call compiles the solver
            shorter.run();
            longer.run();
        }
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            double[] a = timed(shorter);
            double[] b = timed(longer);
            wall[i] = (b[0] - a[0]) / extra;
            cpu[i] = (b[1] - a[1]) / extra;
        }
        return new double[] {mid(wall), mid(cpu)};
    }

    /** {wall, process CPU} seconds of one run. */
    private static double[] timed(Runnable r) {
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        r.run();
        return new double[] {(System.nanoTime() - t0) / 1e9, (processCpuNanos() - c0) / 1e9};
    }

    private static double median(int warmup, int runs, Runnable r) {
        return median(warmup, runs, r, new double[1]);
    }

    /** Median wall seconds; cpu[0] = median process CPU seconds of the same runs. */
    private static double median(int warmup, int runs, Runnable r, double[] cpu) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        double[] s = new double[runs];
        double[] c = new double[runs];
        for (int i = 0; i < runs; i++) {
            double[] w = timed(r);
            s[i] = w[0];
            c[i] = w[1];
        }
        cpu[0] = mid(c);
        return mid(s);
    }

    private static double mid(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : 0L;
    }
}
