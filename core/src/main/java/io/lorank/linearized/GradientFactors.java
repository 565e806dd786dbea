package io.lorank.linearized;

import io.lorank.LorankException;
import io.lorank.encoder.LinearTarget;
import org.ejml.data.DMatrixRMaj;

import java.util.List;

/**
 * Per-token gradient factors of a model's outputs with respect to a set of Linear targets, at W0: for example i,
 * output k and target l, G_ikl = ∂f_k(x_i)/∂W_l = D_iklᵀ X_il (m_l × n_l), never formed.
 *
 * <p>Layout (fp32, row-major, only each example's real tokens, examples concatenated in order): token j of example
 * i is row {@code offsets[i] + j}, ΣT = offsets[N] rows in all.
 * <ul>
 *   <li>{@code x[l]}: X_l [ΣT, n_l], the Linear's input;</li>
 *   <li>{@code d[l]}: D_l [K, ΣT, m_l], the gradient of output k at the Linear's output (block k is K-major).</li>
 * </ul>
 * This is the one factor type: extraction produces it, the cache stores it and the factored operators read it.
 *
 * @param targets the Linear modules, in the order of x and d
 * @param outputs K
 * @param offsets token offsets [N + 1], offsets[0] = 0, non-decreasing
 */
public record GradientFactors(List<LinearTarget> targets, int outputs, int[] offsets, float[][] x, float[][] d) {
    public GradientFactors {
        targets = List.copyOf(targets);
        if (targets.isEmpty() || x.length != targets.size() || d.length != targets.size()) {
            throw new LorankException("gradient factors: " + targets.size() + " targets, " + x.length + " X and "
                    + d.length + " D arrays; expected one of each per target (at least one)");
        }
        if (outputs < 1 || offsets.length < 2 || offsets[0] != 0) {
            throw new LorankException("gradient factors: K = " + outputs + ", " + (offsets.length - 1)
                    + " examples; expected K >= 1, N >= 1 and offsets starting at 0");
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[i - 1]) {
                throw new LorankException("gradient factors: token offsets decrease at example " + i);
            }
        }
        int total = offsets[offsets.length - 1];
        for (int l = 0; l < targets.size(); l++) {
            LinearTarget t = targets.get(l);
            if (x[l].length != (long) total * t.in() || d[l].length != (long) outputs * total * t.out()) {
                throw new LorankException("gradient factors: target " + t.name() + " has X of " + x[l].length
                        + " and D of " + d[l].length + " floats; expected [" + total + ", " + t.in() + "] and ["
                        + outputs + ", " + total + ", " + t.out() + "]");
            }
        }
    }

    /**
     * These factors with every X and D value rounded to bfloat16 (8 exponent and 8 significand bits, round to
     * nearest even; ±0, ±inf and NaN kept), still held as float arrays: the values a bf16 store holds, relative
     * error ≤ 2⁻⁸ per value. The option halves a stored factor set; its effect on the Gram, λ_max and the solutions
     * is measured in RESULTS.md and BENCHMARKS.md, never assumed.
     */
    public GradientFactors roundedToBf16() {
        float[][] xs = new float[x.length][];
        float[][] ds = new float[d.length][];
        for (int l = 0; l < x.length; l++) {
            xs[l] = Bf16.round(x[l]);
            ds[l] = Bf16.round(d[l]);
        }
        return new GradientFactors(targets, outputs, offsets.clone(), xs, ds);
    }

    /** N: examples. */
    public int examples() {
        return offsets.length - 1;
    }

    /** T_i: real tokens of example i. */
    public int tokens(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** ΣT: all tokens. */
    public int totalTokens() {
        return offsets[offsets.length - 1];
    }

    /** Bytes of the stored factors (fp32). */
    public long storedBytes() {
        long b = 0;
        for (int l = 0; l < x.length; l++) {
            b += 4L * (x[l].length + d[l].length);
        }
        return b;
    }

    /** Bytes the dense per-example gradients G [N·K, Σ_l m_l n_l] would take in fp32. */
    public long denseBytes() {
        long p = 0;
        for (LinearTarget t : targets) {
            p += (long) t.out() * t.in();
        }
        return 4L * examples() * outputs * p;
    }

    /** The dense G_ikl [m_l × n_l] in fp64 (tests and small problems only: it is what the factors avoid). */
    public DMatrixRMaj dense(int i, int k, int l) {
        LinearTarget t = targets.get(l);
        int m = t.out();
        int n = t.in();
        int total = totalTokens();
        DMatrixRMaj g = new DMatrixRMaj(m, n);
        for (int s = offsets[i]; s < offsets[i + 1]; s++) {
            int dBase = (k * total + s) * m;
            int xBase = s * n;
            for (int a = 0; a < m; a++) {
                double dv = d[l][dBase + a];
                if (dv == 0) {
                    continue;
                }
                int row = a * n;
                for (int b = 0; b < n; b++) {
                    g.data[row + b] += dv * x[l][xBase + b];
                }
            }
        }
        return g;
    }

    /** The target shapes for {@link RankBounds}. */
    public List<TargetShape> shapes() {
        return targets.stream().map(t -> new TargetShape(t.name(), t.out(), t.in())).toList();
    }

    /** The examples [from, to) as their own factors (copies). */
    public GradientFactors slice(int from, int to) {
        int[] off = new int[to - from + 1];
        for (int i = from; i <= to; i++) {
            off[i - from] = offsets[i] - offsets[from];
        }
        int t0 = offsets[from];
        int nt = off[off.length - 1];
        int total = totalTokens();
        float[][] xs = new float[x.length][];
        float[][] ds = new float[x.length][];
        for (int l = 0; l < x.length; l++) {
            int n = targets.get(l).in();
            int m = targets.get(l).out();
            xs[l] = java.util.Arrays.copyOfRange(x[l], t0 * n, (t0 + nt) * n);
            ds[l] = new float[outputs * nt * m];
            for (int k = 0; k < outputs; k++) {
                System.arraycopy(d[l], (k * total + t0) * m, ds[l], k * nt * m, nt * m);
            }
        }
        return new GradientFactors(targets, outputs, off, xs, ds);
    }
}
