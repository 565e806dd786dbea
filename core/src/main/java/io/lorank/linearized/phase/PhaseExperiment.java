package io.lorank.linearized.phase;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lorank.util.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the phase-transition grid: for every rank r and KN, {@code trials} independent (G, y, init) draws, each
 * solved by {@link LevenbergMarquardt}; success = final loss ≤ tolerance · initial loss. Trials run on a fixed
 * pool of {@code threads} (pure Java, no native calls, so no pool fights). Each trial's seed depends only on
 * (seed, r, KN, trial), so results do not depend on scheduling or thread count.
 */
public final class PhaseExperiment {
    /** A looser success level reported alongside, to show how much the verdicts depend on the tolerance. */
    public static final double LOOSE_TOLERANCE = 1e-6;

    /** One grid cell's tally. */
    public record CellResult(@JsonProperty("r") int r, @JsonProperty("kn") int kn,
                             @JsonProperty("dimension") int dimension, @JsonProperty("ratio") double ratio,
                             @JsonProperty("successes") int successes, @JsonProperty("trials") int trials,
                             @JsonProperty("fraction") double fraction,
                             @JsonProperty("successes_loose") int successesLoose,
                             @JsonProperty("median_relative_loss") double medianRelativeLoss,
                             @JsonProperty("mean_iterations") double meanIterations) {
    }

    /** The whole experiment: grid, pooled and per-rank C* estimates, and the loose-tolerance pooled estimate. */
    public record Result(@JsonProperty("config") PhaseConfig config, @JsonProperty("cells") List<CellResult> cells,
                         @JsonProperty("pooled") CstarEstimator.Estimate pooled,
                         @JsonProperty("per_rank") Map<Integer, CstarEstimator.Estimate> perRank,
                         @JsonProperty("pooled_loose_tolerance") CstarEstimator.Estimate pooledLoose,
                         @JsonProperty("seconds") double seconds) {
    }

    private PhaseExperiment() {
    }

    /** Outcome of a single trial (exposed for tests). */
    public static LevenbergMarquardt.Outcome trial(int m, int n, int r, int kn, long seed,
                                                   LevenbergMarquardt.Settings s) {
        return trial(m, n, r, kn, seed, s, PhaseSolver.LM, 1);
    }

    /**
     * One trial: its own G, y and inits from {@code seed}, solved by {@code solver} from up to {@code restarts}
     * inits (the first init is the same for every restart count). Returns the first converged outcome, else the one
     * with the lowest relative loss; iterations are summed over the inits tried.
     */
    public static LevenbergMarquardt.Outcome trial(int m, int n, int r, int kn, long seed,
                                                   LevenbergMarquardt.Settings s, PhaseSolver solver, int restarts) {
        SplittableRandom rng = new SplittableRandom(seed);
        MeasurementProblem prob = MeasurementProblem.gaussian(m, n, r, kn, rng);
        LevenbergMarquardt.Outcome best = null;
        int iterations = 0;
        for (int k = 0; k < restarts; k++) {
            LevenbergMarquardt.Outcome o = solver.solve(prob, prob.randomInit(rng), s);
            iterations += o.iterations();
            if (best == null || o.relativeLoss() < best.relativeLoss()) {
                best = o;
            }
            if (o.status() == LevenbergMarquardt.Status.CONVERGED) {
                break;
            }
        }
        return new LevenbergMarquardt.Outcome(best.status(), best.initialLoss(), best.finalLoss(), iterations, best.x());
    }

    public static Result run(PhaseConfig c) {
        long t0 = System.nanoTime();
        LevenbergMarquardt.Settings s = new LevenbergMarquardt.Settings(c.maxIterations(), c.tolerance(),
                c.solver().stallWindow(c.maxIterations()));
        List<int[]> grid = new ArrayList<>();
        for (int r : c.ranks()) {
            for (int kn : c.knFor(r)) {
                grid.add(new int[]{r, kn});
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(c.threads(), runnable -> {
            Thread t = new Thread(runnable, "lorank-phase");
            t.setDaemon(true);
            return t;
        });
        List<CellResult> cells = new ArrayList<>();
        try (Progress progress = Progress.start("phase", (long) grid.size() * c.trials())) {
            List<List<Future<LevenbergMarquardt.Outcome>>> futures = new ArrayList<>();
            for (int[] g : grid) {
                List<Future<LevenbergMarquardt.Outcome>> fs = new ArrayList<>();
                for (int t = 0; t < c.trials(); t++) {
                    long seed = mix(c.seed(), g[0], g[1], t);
                    fs.add(pool.submit(() -> {
                        LevenbergMarquardt.Outcome o = trial(c.m(), c.n(), g[0], g[1], seed, s, c.solver(), c.restarts());
                        progress.step();
                        return o;
                    }));
                }
                futures.add(fs);
            }
            for (int i = 0; i < grid.size(); i++) {
                cells.add(tally(c, grid.get(i), futures.get(i)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("phase experiment interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("phase trial failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<CstarEstimator.Cell> all = new ArrayList<>();
        List<CstarEstimator.Cell> loose = new ArrayList<>();
        Map<Integer, CstarEstimator.Estimate> perRank = new LinkedHashMap<>();
        for (int r : c.ranks()) {
            List<CstarEstimator.Cell> mine = new ArrayList<>();
            for (CellResult cr : cells) {
                if (cr.r() == r) {
                    mine.add(new CstarEstimator.Cell(cr.ratio(), cr.successes(), cr.trials()));
                    loose.add(new CstarEstimator.Cell(cr.ratio(), cr.successesLoose(), cr.trials()));
                }
            }
            all.addAll(mine);
            perRank.put(r, CstarEstimator.estimate(mine, c.bootstrap(), mix(c.seed(), r, -1, -1)));
        }
        CstarEstimator.Estimate pooled = CstarEstimator.estimate(all, c.bootstrap(), mix(c.seed(), -1, -1, -1));
        CstarEstimator.Estimate pooledLoose = CstarEstimator.estimate(loose, c.bootstrap(), mix(c.seed(), -2, -1, -1));
        return new Result(c, List.copyOf(cells), pooled, perRank, pooledLoose, (System.nanoTime() - t0) / 1e9);
    }

    private static CellResult tally(PhaseConfig c, int[] g, List<Future<LevenbergMarquardt.Outcome>> fs)
            throws InterruptedException, ExecutionException {
        int ok = 0;
        int okLoose = 0;
        double iters = 0;
        double[] rel = new double[fs.size()];
        for (int t = 0; t < fs.size(); t++) {
            LevenbergMarquardt.Outcome o = fs.get(t).get();
            rel[t] = o.relativeLoss();
            ok += o.status() == LevenbergMarquardt.Status.CONVERGED ? 1 : 0;
            okLoose += rel[t] <= LOOSE_TOLERANCE ? 1 : 0;
            iters += o.iterations();
        }
        Arrays.sort(rel);
        int d = c.dimension(g[0]);
        return new CellResult(g[0], g[1], d, (double) d / g[1], ok, fs.size(), (double) ok / fs.size(), okLoose,
                rel[rel.length / 2], iters / fs.size());
    }

    /** A well-mixed 64-bit seed from the master seed and the trial coordinates (SplitMix64 finalizer). */
    static long mix(long seed, long a, long b, long c) {
        long h = seed;
        for (long v : new long[]{a, b, c}) {
            h = fmix(h ^ fmix(v + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
