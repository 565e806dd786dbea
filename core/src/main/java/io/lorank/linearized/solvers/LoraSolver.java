package io.lorank.linearized.solvers;

import io.lorank.linearized.LinearizedProblem;
import io.lorank.linearized.LoraFactors;
import io.lorank.linearized.LowRankPoint;
import io.lorank.linearized.MeasurementOperator;
import org.ejml.data.DMatrixRMaj;

import java.util.Arrays;
import java.util.Random;

/**
 * Minimises the LoRA objective h(B, A) = F(BA) + λ/2 Σ (‖A‖² + ‖B‖²) by GD (monotone Armijo backtracking from a
 * Barzilai–Borwein trial step), L-BFGS (the same line search on the two-loop direction), Adam or minibatch
 * SGD. Gradients go through the matrix-free adjoint: ∇_B = 𝒜*(c) Aᵀ + λB, ∇_A = Bᵀ 𝒜*(c) + λA with c = ∇F at
 * the current outputs.
 */
public final class LoraSolver {
    private static final int REL_PATIENCE = 10;

    private LoraSolver() {
    }

    /** The objective and its residual c at x (on a subset of examples: rescaled to that subset's mean). */
    public record Evaluation(double objective, double[] residual) {
    }

    public static Evaluation evaluate(LinearizedProblem p, LoraFactors x, int[] subset) {
        double[] f = p.outputsFrom(p.operator().applyLowRank(x.b(), x.a(), subset));
        double data;
        double[] c;
        if (subset == null) {
            data = p.loss().value(f);
            c = p.residual(f);
        } else {
            int k = p.outputs();
            double[] g = new double[f.length];
            data = 0;
            for (int i : subset) {
                data += p.loss().value(i, f, i * k);
                p.loss().gradient(i, f, i * k, g);
            }
            data /= subset.length;
            for (int j = 0; j < g.length; j++) {
                g[j] /= subset.length;
            }
            c = g;
        }
        return new Evaluation(data + 0.5 * p.lambda() * x.squaredNorm(), c);
    }

    /** The full-batch objective at x with the operator's {@link LowRankPoint} kept for the gradient there. */
    private record PointEvaluation(double objective, double[] residual, LowRankPoint at) {
        void close() {
            at.close();
        }
    }

    private static PointEvaluation evaluateAt(LinearizedProblem p, LoraFactors x) {
        LowRankPoint at = p.operator().at(x.b(), x.a());
        double[] f = p.outputsFrom(at.outputs());
        return new PointEvaluation(p.loss().value(f) + 0.5 * p.lambda() * x.squaredNorm(), p.residual(f), at);
    }

    /** h(x) and ∇h(x) (flattened in {@link LoraFactors} order), full batch. */
    public record ValueAndGradient(double objective, double[] gradient) {
    }

    /** h and ∇h at x from one {@link LowRankPoint}: what one accepted solver iteration costs. */
    public static ValueAndGradient valueAndGradient(LinearizedProblem p, LoraFactors x) {
        PointEvaluation e = evaluateAt(p, x);
        try {
            return new ValueAndGradient(e.objective(), gradient(p, x, e.residual(), e.at()));
        } finally {
            e.close();
        }
    }

    /** ∇h at x given its residual c, flattened in {@link LoraFactors} order. */
    public static double[] gradient(LinearizedProblem p, LoraFactors x, double[] c) {
        return gradient(p, x, c, null);
    }

    /** ∇h at x; {@code at} (the operator at x, or null) supplies the data part from the products it kept. */
    private static double[] gradient(LinearizedProblem p, LoraFactors x, double[] c, LowRankPoint at) {
        MeasurementOperator op = p.operator();
        double[] g = new double[x.size()];
        int[] offset = new int[x.targets() + 1];
        for (int l = 0; l < x.targets(); l++) {
            offset[l + 1] = offset[l] + x.b()[l].getNumElements() + x.a()[l].getNumElements();
        }
        int nt = x.targets();
        DMatrixRMaj[] gB = new DMatrixRMaj[nt];
        DMatrixRMaj[] gA = new DMatrixRMaj[nt];
        for (int l = 0; l < nt; l++) {
            gB[l] = new DMatrixRMaj(1, 1);
            gA[l] = new DMatrixRMaj(1, 1);
        }
        if (at != null) {
            at.gradients(c, gB, gA);
        } else {
            op.adjointLowRankAll(c, x.b(), x.a(), gB, gA); // all targets in one call; parallel inside the operator
        }
        for (int l = 0; l < nt; l++) {
            int o = offset[l];
            int nb = gB[l].getNumElements();
            for (int j = 0; j < nb; j++) {
                g[o + j] = gB[l].data[j] + p.lambda() * x.b()[l].data[j];
            }
            o += nb;
            int na = gA[l].getNumElements();
            for (int j = 0; j < na; j++) {
                g[o + j] = gA[l].data[j] + p.lambda() * x.a()[l].data[j];
            }
        }
        return g;
    }

    public static LoraResult solve(LinearizedProblem p, LoraSolverConfig cfg) {
        return solve(p, cfg, LoraFactors.init(p.operator(), cfg.rank(), cfg.init() == LoraSolverConfig.Init.BOTH_RANDOM, cfg.initScale(), cfg.seed()));
    }

    public static LoraResult solve(LinearizedProblem p, LoraSolverConfig cfg, LoraFactors start) {
        long t0 = System.nanoTime();
        boolean[] frozen = frozenMask(start, cfg.freezeA());
        return switch (cfg.method()) {
            case GD -> descent(p, cfg, start, frozen, t0, false);
            case ADAM -> adam(p, cfg, start, frozen, t0);
            case SGD -> sgd(p, cfg, start, frozen, t0);
            case LBFGS -> descent(p, cfg, start, frozen, t0, true);
        };
    }

    private static boolean[] frozenMask(LoraFactors x, boolean freezeA) {
        boolean[] f = new boolean[x.size()];
        if (freezeA) {
            int o = 0;
            for (int l = 0; l < x.targets(); l++) {
                o += x.b()[l].getNumElements();
                int na = x.a()[l].getNumElements();
                Arrays.fill(f, o, o + na, true);
                o += na;
            }
        }
        return f;
    }

    private static double maskedNorm2(double[] g, boolean[] frozen) {
        double s = 0;
        for (int j = 0; j < g.length; j++) {
            if (!frozen[j]) {
                s += g[j] * g[j];
            }
        }
        return s;
    }

    /**
     * Full-batch descent with monotone Armijo backtracking, the direction and first trial step set by the method:
     * <ul>
     *   <li>GD: −∇h; trial step {@code learningRate}, then Barzilai–Borwein (s·s / s·y) when the curvature along the
     *       last step is positive, else 1.5× the last step;</li>
     *   <li>L-BFGS (Nocedal &amp; Wright, Alg. 7.4): the two-loop direction over {@link #LBFGS_MEMORY} pairs, unit
     *       trial step (first step {@code learningRate}/‖∇h‖ capped at {@code learningRate}). Why: on real eNTK
     *       problems GD needs thousands of iterations to reach the certificate's 1e-6 relative gap (the curvature
     *       spans many orders of magnitude); the quasi-Newton direction takes that spread out. Pairs with too little
     *       curvature (sᵀy ≤ 1e-12·‖s‖‖y‖) are skipped, and a direction that is not a descent direction, or a step
     *       that finds no decrease, resets the memory to −∇h once.</li>
     * </ul>
     * Stops when ‖∇h‖ ≤ gradientTolerance, when no representable descent is left, or after 10 consecutive relative
     * changes ≤ relativeTolerance (CONVERGED); DIVERGED on a non-finite objective.
     */
    private static LoraResult descent(LinearizedProblem p, LoraSolverConfig cfg, LoraFactors start, boolean[] frozen,
                                      long t0, boolean quasiNewton) {
        int dim = start.size();
        double[] x = start.flatten();
        LoraFactors xf = start.copy();
        PointEvaluation e = evaluateAt(p, xf);
        double[] g = masked(gradient(p, xf, e.residual(), e.at()), frozen);
        double h = e.objective();
        double[] curve = new double[cfg.maxIterations() + 1];
        curve[0] = h;
        double eta = cfg.learningRate(); // GD's next trial step
        double[][] sMem = new double[LBFGS_MEMORY][];
        double[][] yMem = new double[LBFGS_MEMORY][];
        double[] rho = new double[LBFGS_MEMORY];
        int stored = 0;
        int newest = -1;
        int calm = 0;
        SolverStatus status = SolverStatus.MAX_ITER;
        int it = 0;
        double gn2 = LoraFactors.dot(g, g, dim);
        while (it < cfg.maxIterations()) {
            if (!Double.isFinite(h)) {
                status = SolverStatus.DIVERGED;
                break;
            }
            if (Math.sqrt(gn2) <= cfg.gradientTolerance()) {
                status = SolverStatus.CONVERGED;
                break;
            }
            double[] d = quasiNewton ? twoLoop(g, sMem, yMem, rho, stored, newest) : negate(g);
            double slope = LoraFactors.dot(g, d, dim);
            if (quasiNewton && !(slope < 0)) { // not a descent direction (rounding): forget the curvature pairs
                stored = 0;
                d = negate(g);
                slope = -gn2;
            }
            double step = !quasiNewton ? eta
                    : stored == 0 ? Math.min(cfg.learningRate(), cfg.learningRate() / Math.sqrt(gn2)) : 1.0;
            double[] xt = new double[dim];
            LoraFactors trial;
            PointEvaluation et;
            while (true) {
                for (int j = 0; j < dim; j++) {
                    xt[j] = x[j] + step * d[j];
                }
                trial = xf.like(xt);
                et = evaluateAt(p, trial);
                if (et.objective() <= h + 1e-4 * step * slope || step < 1e-30) {
                    break;
                }
                et.close();
                step *= 0.5;
            }
            if (!(et.objective() <= h)) { // no representable descent left
                et.close();
                if (stored > 0) { // the memory may be stale: retry once along −∇h
                    stored = 0;
                    continue;
                }
                status = SolverStatus.CONVERGED;
                break;
            }
            it++;
            double rel = Math.abs(h - et.objective()) / Math.max(Math.abs(et.objective()), 1e-12);
            double[] gNew = masked(gradient(p, trial, et.residual(), et.at()), frozen);
            e.close();
            e = et;
            double[] sv = new double[dim];
            double[] yv = new double[dim];
            for (int j = 0; j < dim; j++) {
                sv[j] = xt[j] - x[j];
                yv[j] = gNew[j] - g[j];
            }
            double ss = LoraFactors.dot(sv, sv, dim);
            double sy = LoraFactors.dot(sv, yv, dim);
            if (quasiNewton) {
                if (sy > 1e-12 * Math.sqrt(ss * LoraFactors.dot(yv, yv, dim))) {
                    newest = (newest + 1) % LBFGS_MEMORY;
                    sMem[newest] = sv;
                    yMem[newest] = yv;
                    rho[newest] = 1 / sy;
                    stored = Math.min(stored + 1, LBFGS_MEMORY);
                }
            } else {
                eta = sy > 0 ? Math.min(ss / sy, 1e3 * step + 1e-300) : 1.5 * step;
            }
            x = xt;
            xf = trial;
            h = et.objective();
            curve[it] = h;
            g = gNew;
            gn2 = LoraFactors.dot(g, g, dim);
            calm = rel <= cfg.relativeTolerance() ? calm + 1 : 0;
            if (calm >= REL_PATIENCE) {
                status = SolverStatus.CONVERGED;
                break;
            }
        }
        e.close();
        return new LoraResult(xf, h, Arrays.copyOf(curve, it + 1), it, status, Math.sqrt(gn2), seconds(t0));
    }

    /** Pairs kept by L-BFGS. */
    static final int LBFGS_MEMORY = 10;

    /** −H∇h by the two-loop recursion over the stored pairs (newest first), scaled by sᵀy/yᵀy of the newest. */
    private static double[] twoLoop(double[] g, double[][] s, double[][] y, double[] rho, int stored, int newest) {
        int dim = g.length;
        double[] q = g.clone();
        double[] alpha = new double[stored];
        for (int k = 0; k < stored; k++) {
            int i = Math.floorMod(newest - k, s.length);
            alpha[k] = rho[i] * LoraFactors.dot(s[i], q, dim);
            axpy(-alpha[k], y[i], q);
        }
        if (stored > 0) {
            double gamma = 1 / (rho[newest] * LoraFactors.dot(y[newest], y[newest], dim));
            for (int j = 0; j < dim; j++) {
                q[j] *= gamma;
            }
        }
        for (int k = stored - 1; k >= 0; k--) {
            int i = Math.floorMod(newest - k, s.length);
            double beta = rho[i] * LoraFactors.dot(y[i], q, dim);
            axpy(alpha[k] - beta, s[i], q);
        }
        return negate(q);
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += a * x[j];
        }
    }

    private static double[] negate(double[] v) {
        double[] r = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            r[j] = -v[j];
        }
        return r;
    }

    /** The gradient with the frozen coordinates set to 0 (so no direction moves them). */
    private static double[] masked(double[] g, boolean[] frozen) {
        for (int j = 0; j < g.length; j++) {
            if (frozen[j]) {
                g[j] = 0;
            }
        }
        return g;
    }

    private static LoraResult adam(LinearizedProblem p, LoraSolverConfig cfg, LoraFactors start, boolean[] frozen, long t0) {
        final double b1 = 0.9, b2 = 0.999, eps = 1e-12;
        double[] x = start.flatten();
        double[] m1 = new double[x.length];
        double[] m2 = new double[x.length];
        LoraFactors xf = start.copy();
        double[] curve = new double[cfg.maxIterations() + 1];
        SolverStatus status = SolverStatus.MAX_ITER;
        Evaluation e = evaluate(p, xf, null);
        double h0 = e.objective();
        curve[0] = h0;
        double gn = Double.NaN;
        int it = 0;
        while (true) {
            double[] g = gradient(p, xf, e.residual());
            gn = Math.sqrt(maskedNorm2(g, frozen));
            if (gn <= cfg.gradientTolerance()) {
                status = SolverStatus.CONVERGED;
                break;
            }
            if (it >= cfg.maxIterations()) {
                break;
            }
            it++;
            double c1 = 1 - Math.pow(b1, it);
            double c2 = 1 - Math.pow(b2, it);
            for (int j = 0; j < x.length; j++) {
                if (frozen[j]) {
                    continue;
                }
                m1[j] = b1 * m1[j] + (1 - b1) * g[j];
                m2[j] = b2 * m2[j] + (1 - b2) * g[j] * g[j];
                x[j] -= cfg.learningRate() * (m1[j] / c1) / (Math.sqrt(m2[j] / c2) + eps);
            }
            xf = xf.like(x);
            e = evaluate(p, xf, null);
            curve[it] = e.objective();
            if (diverged(e.objective(), h0)) {
                status = SolverStatus.DIVERGED;
                break;
            }
        }
        return new LoraResult(xf, e.objective(), Arrays.copyOf(curve, it + 1), it, status, gn, seconds(t0));
    }

    private static LoraResult sgd(LinearizedProblem p, LoraSolverConfig cfg, LoraFactors start, boolean[] frozen, long t0) {
        int n = p.examples();
        int bs = Math.min(cfg.batchSize(), n);
        int perEpoch = (n + bs - 1) / bs;
        Random rnd = new Random(cfg.seed() ^ 0x5DEECE66DL);
        double[] x = start.flatten();
        LoraFactors xf = start.copy();
        double h0 = evaluate(p, xf, null).objective();
        double[] curve = new double[cfg.maxIterations() / perEpoch + 2];
        int epochs = 0;
        curve[0] = h0;
        SolverStatus status = SolverStatus.MAX_ITER;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        int it = 0;
        while (it < cfg.maxIterations() && status == SolverStatus.MAX_ITER) {
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int s = 0; s < perEpoch && it < cfg.maxIterations(); s++) {
                int[] batch = Arrays.copyOfRange(perm, s * bs, Math.min(n, (s + 1) * bs));
                Evaluation e = evaluate(p, xf, batch);
                double[] g = gradient(p, xf, e.residual());
                for (int j = 0; j < x.length; j++) {
                    if (!frozen[j]) {
                        x[j] -= cfg.learningRate() * g[j];
                    }
                }
                xf = xf.like(x);
                it++;
            }
            double h = evaluate(p, xf, null).objective();
            curve[++epochs] = h;
            if (diverged(h, h0)) {
                status = SolverStatus.DIVERGED;
            }
        }
        Evaluation e = evaluate(p, xf, null);
        double gn = Math.sqrt(maskedNorm2(gradient(p, xf, e.residual()), frozen));
        if (status != SolverStatus.DIVERGED && gn <= cfg.gradientTolerance()) {
            status = SolverStatus.CONVERGED;
        }
        return new LoraResult(xf, e.objective(), Arrays.copyOf(curve, epochs + 1), it, status, gn, seconds(t0));
    }

    private static boolean diverged(double h, double h0) {
        return !Double.isFinite(h) || h > 1e8 * Math.max(1, Math.abs(h0));
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) * 1e-9;
    }
}
