package io.lorank.linearized.experiments;

import io.lorank.linearized.*;

import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.SingularValueThreshold;
import io.lorank.util.Progress;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Timings of the linearized problem's hot paths, factored vs dense operator, on random factors (N examples, K outputs,
 * T tokens, targets of d × d): one full-batch LoRA step (outputs, CE residual, ∇B and ∇A through the matrix-free
 * adjoint, update) and one proximal-gradient step of the convex solver (apply ΔW, adjoint, SVT of all targets on
 * {@link SingularValueThreshold#fastest()}; the SVT part is also timed alone, and once on the EJML reference). Median
 * of the timed runs after warm-up. Dense G is stored in float when double does not fit in the heap; when not even
 * float fits, dense is reported infeasible with the bytes it would need.
 */
public final class LinearizedBenchmark {
    /**
     * One shape's figures; seconds are medians of wall time, cpu* the medians of process CPU time over the same
     * runs (all threads; robust to other processes competing for the cores), NaN when not run.
     */
    public record Row(int targets, int d, int examples, int outputs, int tokens, int rank, int threads, long factoredBytes,
                      long denseBytes, String denseStorage, String denseNote,
                      double loraFactoredSeconds, double loraDenseSeconds, double convexFactoredSeconds,
                      double convexDenseSeconds, double svtSeconds, String svtPath, double svtReferenceSeconds, double cpuLoraFactored, double cpuLoraDense,
                      double cpuConvexFactored, double cpuConvexDense, double maxRelativeDifference, String loadAverage,
                      Extra extra) {
    }

    /**
     * Figures of an extra operator built from the same factors (e.g. the libtorch one in package entk, which this
     * DJL-free package only sees through {@link MeasurementOperator}); null when none was given.
     */
    public record Extra(String name, long bytes, double loraSeconds, double cpuLora, double convexSeconds, double cpuConvex,
                        double relativeDifference) {
    }

    private LinearizedBenchmark() {
    }

    /** Dense G storage; NONE skips the dense operator. */
    public enum Storage { AUTO, FLOAT, DOUBLE, NONE }

    public static Row run(int targets, int d, int examples, int outputs, int tokens, int rank, int warmup, int runs, boolean convex,
                          Storage want) {
        return run(targets, d, examples, outputs, tokens, rank, warmup, runs, convex, want, null, null);
    }

    /**
     * As above, plus an extra operator {@code extra.apply(factored)} timed on the same steps (closed afterwards when
     * it is AutoCloseable); null for none.
     */
    public static Row run(int targets, int d, int examples, int outputs, int tokens, int rank, int warmup, int runs, boolean convex,
                          Storage want, String extraName, java.util.function.Function<FactoredOperator, MeasurementOperator> extra) {
        int[] dims = new int[targets];
        Arrays.fill(dims, d);
        FactoredOperator fac = Synthetic.randomFactors(examples, outputs, dims, dims, tokens, tokens, 1);
        LinearizedProblem pf = problem(fac);
        LoraFactors x = LoraFactors.init(fac, rank, true, 1.0, 2);
        long nk = (long) examples * outputs;
        long doubleBytes = io.lorank.util.Sizes.product("dense G bytes", 8, nk, d, d, targets);
        long free = Runtime.getRuntime().maxMemory() - usedMemory();
        String storage;
        String note = "";
        DenseOperator dense = null;
        if (want == Storage.NONE) {
            storage = "none";
            note = "dense skipped";
        } else if (doubleBytes < 0.6 * free && want != Storage.FLOAT) {
            storage = "double";
        } else if (doubleBytes / 2 < 0.75 * free && want != Storage.DOUBLE) {
            storage = "float";
        } else {
            storage = "none";
            note = String.format(java.util.Locale.ROOT, "dense G needs %.2f GB in float (%.2f GB double) but the heap has %.2f GB free; run with a larger -Xmx",
                    doubleBytes / 2e9, doubleBytes / 1e9, free / 1e9);
        }
        if (!storage.equals("none")) {
            dense = densify(fac, storage.equals("float"));
        }
        long denseBytes = dense != null ? dense.storedBytes() : (want != Storage.NONE ? doubleBytes / 2 : 0);
        // correctness: the two operators agree on the LoRA step's outputs
        double diff = Double.NaN;
        if (dense != null) {
            double[] a = fac.applyLowRank(x.b(), x.a());
            double[] b = dense.applyLowRank(x.b(), x.a());
            diff = relDiff(a, b);
        }
        LinearizedProblem pd = dense == null ? null : problem(dense);
        int total = (warmup + runs) * ((1 + (dense != null ? 1 : 0) + (extra != null ? 1 : 0)) * (convex ? 2 : 1)) + (convex ? runs : 0);
        try (Progress bar = Progress.start("bench " + targets + "x" + d + "^2", total)) {
            String load = loadAverage();
            double[] lf = median(() -> loraStep(pf, x), warmup, runs, bar);
            double[] ld = dense == null ? NONE : median(() -> loraStep(pd, x), warmup, runs, bar);
            double[] cf = NONE;
            double[] cd = NONE;
            double svt = Double.NaN;
            double svtRef = Double.NaN;
            if (convex) {
                DMatrixRMaj[] w = x.product();
                cf = median(() -> proxStep(pf, w), warmup, runs, bar);
                if (dense != null) {
                    cd = median(() -> proxStep(pd, w), warmup, runs, bar);
                }
                // the SVT part alone, on the chosen path (median) and once on the EJML reference for comparison
                svt = median(() -> (double) SingularValueThreshold.fastest().thresholdAll(w, 1e-3).length, 0, runs, bar)[0];
                long t0 = System.nanoTime();
                SingularValueThreshold.reference().thresholdAll(w, 1e-3);
                svtRef = (System.nanoTime() - t0) * 1e-9;
            }
            Extra ex = extra == null ? null : timeExtra(extraName, extra.apply(fac), fac, x, warmup, runs, convex, bar);
            // stored bytes after the runs: includes the transposed factor copies the low-rank kernels build
            return new Row(targets, d, examples, outputs, tokens, rank, Parallel.threads(), fac.storedBytes(), denseBytes, storage, note,
                    lf[0], ld[0], cf[0], cd[0], svt, SingularValueThreshold.fastest().name(), svtRef, lf[1], ld[1], cf[1], cd[1], diff, load + " -> " + loadAverage(), ex);
        }
    }

    private static Extra timeExtra(String name, MeasurementOperator op, FactoredOperator fac, LoraFactors x, int warmup, int runs,
                                   boolean convex, Progress bar) {
        try {
            double diff = relDiff(op.applyLowRank(x.b(), x.a()), fac.applyLowRank(x.b(), x.a()));
            LinearizedProblem p = problem(op);
            double[] lora = median(() -> loraStep(p, x), warmup, runs, bar);
            double[] cvx = NONE;
            if (convex) {
                DMatrixRMaj[] w = x.product();
                cvx = median(() -> proxStep(p, w), warmup, runs, bar);
            }
            return new Extra(name, op.storedBytes(), lora[0], lora[1], cvx[0], cvx[1], diff);
        } finally {
            if (op instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(name + ": close failed", e);
                }
            }
        }
    }

    private static LinearizedProblem problem(MeasurementOperator op) {
        int n = op.examples();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % op.outputs();
        }
        return new LinearizedProblem(op, new double[n * op.outputs()], new Loss.SoftmaxCrossEntropy(labels, op.outputs()), 1e-3);
    }

    /** One full-batch LoRA GD step (fixed step 1e-3); returns the new objective. */
    static double loraStep(LinearizedProblem p, LoraFactors x) {
        LoraSolver.ValueAndGradient e = LoraSolver.valueAndGradient(p, x);
        double[] g = e.gradient();
        double[] v = x.flatten();
        for (int j = 0; j < v.length; j++) {
            v[j] -= 1e-3 * g[j];
        }
        return e.objective() + x.like(v).size();
    }

    /** One proximal-gradient step of the convex solver at w (fixed step 1). */
    static double proxStep(LinearizedProblem p, DMatrixRMaj[] w) {
        double[] f = p.outputsFrom(p.operator().apply(w));
        double[] c = p.residual(f);
        DMatrixRMaj[] z = new DMatrixRMaj[w.length];
        for (int l = 0; l < w.length; l++) {
            DMatrixRMaj g = p.operator().adjoint(l, c);
            z[l] = w[l].copy();
            for (int j = 0; j < z[l].getNumElements(); j++) {
                z[l].data[j] -= g.data[j];
            }
        }
        double s = 0;
        for (SingularValueThreshold.Result r : SingularValueThreshold.fastest().thresholdAll(z, p.lambda())) {
            s += r.kept().length; // as ConvexSolver: all targets' SVTs in one call
        }
        return s;
    }

    /** Dense G formed from the factors (so both operators hold the same measurements). */
    static DenseOperator densify(FactoredOperator f, boolean asFloat) {
        int nk = f.examples() * f.outputs();
        int[] rows = new int[f.targets()];
        int[] cols = new int[f.targets()];
        double[][] gd = asFloat ? null : new double[f.targets()][];
        float[][] gf = asFloat ? new float[f.targets()][] : null;
        DMatrixRMaj gi = new DMatrixRMaj(1, 1);
        for (int l = 0; l < f.targets(); l++) {
            rows[l] = f.rows(l);
            cols[l] = f.cols(l);
            int mn = rows[l] * cols[l];
            int len = io.lorank.util.Sizes.arrayLength("dense G of target " + l,
                    io.lorank.util.Sizes.product("dense G (N*K x m*n)", nk, rows[l], cols[l]));
            if (asFloat) {
                gf[l] = new float[len];
            } else {
                gd[l] = new double[len];
            }
            for (int i = 0; i < f.examples(); i++) {
                DMatrixRMaj xi = f.inputs(l, i);
                DMatrixRMaj di = f.outputGradients(l, i);
                int t = xi.numRows;
                for (int k = 0; k < f.outputs(); k++) {
                    DMatrixRMaj dk = org.ejml.dense.row.CommonOps_DDRM.extract(di, k * t, (k + 1) * t, 0, rows[l]);
                    gi.reshape(rows[l], cols[l]);
                    org.ejml.dense.row.CommonOps_DDRM.multTransA(dk, xi, gi);
                    int base = (i * f.outputs() + k) * mn;
                    if (asFloat) {
                        for (int q = 0; q < mn; q++) {
                            gf[l][base + q] = (float) gi.data[q];
                        }
                    } else {
                        System.arraycopy(gi.data, 0, gd[l], base, mn);
                    }
                }
            }
        }
        return asFloat ? DenseOperator.ofFloat(f.examples(), f.outputs(), rows, cols, gf)
                : DenseOperator.ofDouble(f.examples(), f.outputs(), rows, cols, gd);
    }

    private static final double[] NONE = {Double.NaN, Double.NaN};

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    /** {median wall seconds, median process-CPU seconds}. */
    static double[] median(Supplier<Double> body, int warmup, int runs, Progress bar) {
        double sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += body.get();
            bar.step();
        }
        List<Double> t = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            sink += body.get();
            t.add((System.nanoTime() - t0) * 1e-9);
            cpu.add((cpuNanos() - c0) * 1e-9);
            bar.step();
        }
        if (sink == 42.4242) {
            System.err.print("");
        }
        return new double[] {mid(t), mid(cpu)};
    }

    private static double mid(List<Double> t) {
        t.sort(Double::compare);
        int n = t.size();
        return n % 2 == 1 ? t.get(n / 2) : 0.5 * (t.get(n / 2 - 1) + t.get(n / 2));
    }

    private static long usedMemory() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static double relDiff(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int j = 0; j < a.length; j++) {
            num += (a[j] - b[j]) * (a[j] - b[j]);
            den += b[j] * b[j];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
