package io.lorank.linearized.phase;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The C* phase-transition experiment: Gaussian-iid G_j [m, n], j = 1..KN, random y, LoRA rank r from random init.
 *
 * @param m             rows of W (out), 2..256
 * @param n             columns of W (in), 2..256
 * @param ranks         LoRA ranks, each in [1, min(m, n)]
 * @param kn            explicit KN grid (used for every rank), or empty for the auto grid (one KN per ratio in
 *                      {@code ratios}: KN = round(d(r)/ρ), d(r) = r(m+n) − r²)
 * @param ratios        auto-grid ratios ρ = d(r)/KN, each &gt; 0
 * @param trials        inits per grid cell (each with its own measurement draw), 1..10000
 * @param seed          master seed
 * @param maxIterations LM iteration budget per trial
 * @param tolerance     success: final loss ≤ tolerance · initial loss
 * @param bootstrap     bootstrap replicates for the C* interval, ≥ 10
 * @param threads       worker threads, ≥ 1
 * @param solver        optimizer on (B, A)
 * @param restarts      inits tried per (G, y) draw, 1..100; success if any interpolates (1 = the single-init
 *                      experiment; more separates optimizer failures from "no low-rank solution exists")
 */
public record PhaseConfig(@JsonProperty("m") int m, @JsonProperty("n") int n,
                          @JsonProperty("ranks") List<Integer> ranks, @JsonProperty("kn") List<Integer> kn,
                          @JsonProperty("ratios") List<Double> ratios, @JsonProperty("trials") int trials,
                          @JsonProperty("seed") long seed, @JsonProperty("max_iterations") int maxIterations,
                          @JsonProperty("tolerance") double tolerance, @JsonProperty("bootstrap") int bootstrap,
                          @JsonProperty("threads") int threads, @JsonProperty("solver") PhaseSolver solver,
                          @JsonProperty("restarts") int restarts) {
    /** Auto-grid ratios: dense near ρ = 1 (where dimension counting puts the edge) and out past 1.35. */
    public static final String DEFAULT_RATIOS_TEXT = "0.9,0.95,0.97,1.0,1.02,1.05,1.1,1.15,1.2,1.3,1.35,1.4,1.5,1.7,2.0,2.5";
    public static final List<Double> DEFAULT_RATIOS =
            java.util.Arrays.stream(DEFAULT_RATIOS_TEXT.split(",")).map(Double::valueOf).toList();

    public PhaseConfig {
        check(m >= 2 && m <= 256, "--m", m + "", "2..256");
        check(n >= 2 && n <= 256, "--n", n + "", "2..256");
        check(ranks != null && !ranks.isEmpty(), "--ranks", "empty", "a list such as 1,2");
        for (int r : ranks) {
            check(r >= 1 && r <= Math.min(m, n), "--ranks", r + "", "1..min(m,n) = " + Math.min(m, n));
        }
        kn = kn == null ? List.of() : List.copyOf(new TreeSet<>(kn));
        for (int k : kn) {
            check(k >= 1 && k <= 100_000, "--kn", k + "", "1..100000");
        }
        ratios = ratios == null || ratios.isEmpty() ? DEFAULT_RATIOS : List.copyOf(ratios);
        for (double q : ratios) {
            check(q > 0 && q < 1000, "--ratios", q + "", "(0, 1000)");
        }
        check(trials >= 1 && trials <= 10_000, "--trials", trials + "", "1..10000");
        check(maxIterations >= 1 && maxIterations <= 100_000, "--max-iterations", maxIterations + "", "1..100000");
        check(tolerance > 0 && tolerance < 1, "--tolerance", tolerance + "", "(0, 1)");
        check(bootstrap >= 10 && bootstrap <= 100_000, "--bootstrap", bootstrap + "", "10..100000");
        check(threads >= 1 && threads <= 1024, "--threads", threads + "", "1..1024");
        ranks = List.copyOf(new TreeSet<>(ranks));
        solver = solver == null ? PhaseSolver.LM : solver;
        check(restarts >= 1 && restarts <= 100, "--restarts", restarts + "", "1..100");
    }

    private static void check(boolean ok, String flag, String found, String allowed) {
        if (!ok) {
            throw new LorankException(flag + ": " + found + " is out of range; allowed " + allowed);
        }
    }

    public static PhaseConfig defaults() {
        return new PhaseConfig(16, 16, List.of(1, 2, 3), List.of(), DEFAULT_RATIOS, 100, 42, 400, 1e-10, 200,
                Runtime.getRuntime().availableProcessors(), PhaseSolver.LM, 1);
    }

    /** d(r) = r(m+n) − r². */
    public int dimension(int r) {
        return r * (m + n) - r * r;
    }

    /** The KN values run for rank r. */
    public List<Integer> knFor(int r) {
        if (!kn.isEmpty()) {
            return kn;
        }
        TreeSet<Integer> set = new TreeSet<>();
        for (double q : ratios) {
            set.add(Math.max(1, (int) Math.round(dimension(r) / q)));
        }
        return new ArrayList<>(set);
    }
}
