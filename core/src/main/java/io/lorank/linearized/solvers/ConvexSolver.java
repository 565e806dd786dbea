package io.lorank.linearized.solvers;

import io.lorank.linearized.DualityGap;
import io.lorank.linearized.LinearizedProblem;
import io.lorank.linearized.MeasurementOperator;
import org.ejml.data.DMatrixRMaj;

import java.util.Arrays;

/**
 * Convex full fine-tuning: min_ΔW F(ΔW) + λ Σ_l ‖ΔW_l‖_* by FISTA with backtracking (the step may also grow by
 * 1/0.9 per iteration), gradient-based adaptive restart (O'Donoghue &amp; Candès) and singular-value thresholding per
 * target ({@link SingularValueThreshold#fastest()} unless given, all targets in one call). Stops on the relative duality gap ({@link DualityGap}), a certificate of accuracy, not a heuristic.
 */
public final class ConvexSolver {
    private ConvexSolver() {
    }

    public static ConvexResult solve(LinearizedProblem p, ConvexConfig cfg) {
        return solve(p, cfg, p.zeroUpdate());
    }

    public static ConvexResult solve(LinearizedProblem p, ConvexConfig cfg, DMatrixRMaj[] start) {
        return solve(p, cfg, start, SingularValueThreshold.fastest());
    }

    /** As above with a given SVT implementation (tests compare the fast one with the reference). */
    public static ConvexResult solve(LinearizedProblem p, ConvexConfig cfg, DMatrixRMaj[] start, SingularValueThreshold svt) {
        long t0 = System.nanoTime();
        MeasurementOperator op = p.operator();
        int nt = p.targets();
        DMatrixRMaj[] x = copy(start);
        DMatrixRMaj[] y = copy(start);
        double t = 1;
        double lip = cfg.initialLipschitz();
        double[] curve = new double[cfg.maxIterations() + 1];
        double px = p.convexObjective(x);
        curve[0] = px;
        // 𝒜 is linear, so 𝒜(y) for y = x_new + β(x_new − x) is formed from 𝒜(x_new) and 𝒜(x): one apply per trial
        double[] ax = op.apply(x);
        double[] ay = ax.clone();
        int[] ranks = new int[nt];
        SingularValueThreshold.Result[] lastProx = null; // the previous prox: its singular vectors start the next SVT
        double[][] kept = new double[nt][];
        double gap = Double.NaN;
        DMatrixRMaj[] best = null; // the iterate with the smallest gap (FISTA iterates oscillate at the rounding floor)
        double bestGap = Double.POSITIVE_INFINITY;
        double bestP = Double.NaN;
        int[] bestRanks = null;
        SolverStatus status = SolverStatus.MAX_ITER;
        int it = 0;
        while (it < cfg.maxIterations()) {
            double[] fy = p.outputsFrom(ay);
            double lossY = p.loss().value(fy);
            double[] c = p.residual(fy);
            DMatrixRMaj[] g = op.adjointAll(c); // all targets in one call
            DMatrixRMaj[] xn = new DMatrixRMaj[nt];
            double[] axn;
            double[] fx;
            double lossX;
            while (true) {
                double nuc = 0;
                DMatrixRMaj[] z = new DMatrixRMaj[nt];
                for (int l = 0; l < nt; l++) {
                    z[l] = y[l].copy();
                    double[] zd = z[l].data;
                    for (int j = 0; j < zd.length; j++) {
                        zd[j] -= g[l].data[j] / lip;
                    }
                }
                SingularValueThreshold.Result[] prox = svt.thresholdAll(z, p.lambda() / lip, lastProx); // all targets in one call
                lastProx = prox;
                for (int l = 0; l < nt; l++) {
                    SingularValueThreshold.Result r = prox[l];
                    xn[l] = r.matrix();
                    kept[l] = r.kept();
                    ranks[l] = r.kept().length;
                    for (double s : r.kept()) {
                        nuc += s;
                    }
                }
                axn = applyProx(op, xn, prox);
                fx = p.outputsFrom(axn);
                lossX = p.loss().value(fx);
                double lin = 0;
                double sq = 0;
                for (int l = 0; l < nt; l++) {
                    for (int j = 0; j < xn[l].getNumElements(); j++) {
                        double d = xn[l].data[j] - y[l].data[j];
                        lin += g[l].data[j] * d;
                        sq += d * d;
                    }
                }
                if (lossX <= lossY + lin + 0.5 * lip * sq + 1e-13 * Math.abs(lossY) || lip > 1e300) {
                    px = lossX + p.lambda() * nuc;
                    break;
                }
                lip *= 2;
            }
            if (!Double.isFinite(px)) {
                status = SolverStatus.DIVERGED;
                break;
            }
            // restart when the momentum points uphill: ⟨y − x_new, x_new − x_old⟩ > 0
            double restart = 0;
            for (int l = 0; l < nt; l++) {
                for (int j = 0; j < xn[l].getNumElements(); j++) {
                    restart += (y[l].data[j] - xn[l].data[j]) * (xn[l].data[j] - x[l].data[j]);
                }
            }
            double tn = restart > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double beta = restart > 0 ? 0 : (t - 1) / tn;
            for (int l = 0; l < nt; l++) {
                DMatrixRMaj yn = xn[l].copy();
                for (int j = 0; j < yn.getNumElements(); j++) {
                    yn.data[j] += beta * (xn[l].data[j] - x[l].data[j]);
                }
                y[l] = yn;
            }
            ay = new double[axn.length];
            for (int j = 0; j < ay.length; j++) {
                ay[j] = axn[j] + beta * (axn[j] - ax[j]);
            }
            ax = axn;
            x = xn;
            t = tn;
            lip *= 0.9;
            it++;
            curve[it] = px;
            if (it % cfg.checkEvery() == 0 || it == cfg.maxIterations()) {
                gap = gap(p, x, fx, px, svt);
                if (gap < bestGap) {
                    bestGap = gap;
                    best = x;
                    bestP = px;
                    bestRanks = ranks.clone();
                }
                if (gap <= cfg.gapTolerance() * Math.max(Math.abs(px), 1e-12)) {
                    status = SolverStatus.CONVERGED;
                    break;
                }
            }
        }
        if (best != null && status != SolverStatus.DIVERGED) {
            x = best;
            px = bestP;
            gap = bestGap;
            ranks = bestRanks;
        }
        double[][] sv = svt.singularValuesAll(x); // descending
        return new ConvexResult(x, px, ranks, sv, Arrays.copyOf(curve, it + 1), it, status, gap, LoraSolver.seconds(t0));
    }

    /**
     * 𝒜(x) for the prox output x: through its factors (𝒜(left · right), ΣT·(n + K·m)·ρ flops per target) when every
     * target has them and that costs less than the dense form (ΣT·m·n), else densely.
     */
    static double[] applyProx(MeasurementOperator op, DMatrixRMaj[] x, SingularValueThreshold.Result[] prox) {
        long lowRank = 0;
        long dense = 0;
        for (int l = 0; l < x.length; l++) {
            SingularValueThreshold.Result r = prox[l];
            if (r.kept().length > 0 && !r.factored()) {
                return op.apply(x);
            }
            lowRank += (long) Math.max(1, r.kept().length) * (op.cols(l) + (long) op.outputs() * op.rows(l));
            dense += (long) op.rows(l) * op.cols(l);
        }
        if (lowRank >= dense) {
            return op.apply(x);
        }
        DMatrixRMaj[] b = new DMatrixRMaj[x.length];
        DMatrixRMaj[] a = new DMatrixRMaj[x.length];
        for (int l = 0; l < x.length; l++) {
            SingularValueThreshold.Result r = prox[l];
            boolean zero = r.kept().length == 0;
            b[l] = zero ? new DMatrixRMaj(op.rows(l), 1) : r.left();
            a[l] = zero ? new DMatrixRMaj(1, op.cols(l)) : r.right();
        }
        return op.applyLowRank(b, a);
    }

    /** P(x) − D(s·c(x)), with dense op norms (the solver holds dense matrices anyway), all targets in one SVD call. */
    static double gap(LinearizedProblem p, DMatrixRMaj[] x, double[] fx, double px, SingularValueThreshold svt) {
        double[] c = p.residual(fx);
        DMatrixRMaj[] g = p.operator().adjointAll(c);
        double mx = 0;
        for (double[] s : svt.singularValuesAll(g)) {
            for (double v : s) {
                mx = Math.max(mx, v);
            }
        }
        return px - DualityGap.dualValue(p, c, mx);
    }

    private static DMatrixRMaj[] copy(DMatrixRMaj[] a) {
        DMatrixRMaj[] c = new DMatrixRMaj[a.length];
        for (int l = 0; l < a.length; l++) {
            c[l] = a[l].copy();
        }
        return c;
    }
}
