package io.lorank.linearized.phase;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Estimates C* = the ratio ρ = (r(m+n) − r²)/KN at which the success probability is 50 %.
 *
 * <p>Primary estimate: a binomial logistic fit p(ρ) = σ(a + b·u), u = (ρ − mean)/sd, by Newton's method with a
 * weak ridge ½λb² (λ = 1e-3) so perfectly separated data (a sharp transition) still gives a finite slope; C* = the
 * root of a + b·u = 0. Cross-check: linear interpolation of the monotone (pool-adjacent-violators) fit of the cell
 * fractions at 0.5. Interval: percentile bootstrap over inits (each cell's trials resampled with replacement, i.e.
 * successes ~ Binomial(trials, fraction)).
 */
public final class CstarEstimator {
    private static final double RIDGE = 1e-3;

    /** One grid cell: ratio ρ, successes out of trials. */
    public record Cell(double ratio, int successes, int trials) {
    }

    /** Logistic fit: c50 the 50 % ratio (NaN if no increasing transition), slope dp/dρ·4 = b/sd at c50. */
    public record Fit(double c50, double slope) {
        public boolean valid() {
            return Double.isFinite(c50);
        }
    }

    /** The estimate with its bootstrap interval. NaN fields when the data show no transition. */
    public record Estimate(@JsonProperty("cstar") double cstar, @JsonProperty("cstar_low") double low,
                           @JsonProperty("cstar_high") double high, @JsonProperty("slope") double slope,
                           @JsonProperty("cstar_interpolated") double interpolated,
                           @JsonProperty("bootstrap_valid") int bootstrapValid,
                           @JsonProperty("bootstrap_reps") int bootstrapReps) {
        /** Whether C* and its interval could be estimated; when not, no claim may be drawn from this estimate. */
        @JsonProperty("determined")
        public boolean determined() {
            return undeterminedReason() == null;
        }

        /** Why the estimate could not be made, or null when it was. */
        public String undeterminedReason() {
            if (!Double.isFinite(cstar)) {
                return "the grid shows no increasing transition to fit (success fractions must rise through 50% over"
                        + " several ratios; give --ratios on both sides of the transition)";
            }
            if (!Double.isFinite(low) || !Double.isFinite(high)) {
                return "only " + bootstrapValid + " of " + bootstrapReps + " bootstrap replicates show a transition"
                        + " (at least 10 needed for an interval); use more --trials or --ratios near the transition";
            }
            return null;
        }
    }

    private CstarEstimator() {
    }

    public static Estimate estimate(List<Cell> cells, int reps, long seed) {
        Fit fit = fit(cells);
        double interp = interpolate(cells);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] boot = new double[reps];
        int valid = 0;
        for (int b = 0; b < reps; b++) {
            List<Cell> re = new ArrayList<>(cells.size());
            for (Cell c : cells) {
                double p = (double) c.successes() / c.trials();
                int k = 0;
                for (int t = 0; t < c.trials(); t++) {
                    k += rng.nextDouble() < p ? 1 : 0;
                }
                re.add(new Cell(c.ratio(), k, c.trials()));
            }
            Fit f = fit(re);
            if (f.valid()) {
                boot[valid++] = f.c50();
            }
        }
        double[] ok = Arrays.copyOf(boot, valid);
        Arrays.sort(ok);
        double low = valid >= 10 ? quantile(ok, 0.025) : Double.NaN;
        double high = valid >= 10 ? quantile(ok, 0.975) : Double.NaN;
        return new Estimate(fit.c50(), low, high, fit.slope(), interp, valid, reps);
    }

    /** Penalized maximum-likelihood logistic fit in ρ. */
    public static Fit fit(List<Cell> cells) {
        int total = 0;
        int succ = 0;
        double mean = 0;
        for (Cell c : cells) {
            total += c.trials();
            succ += c.successes();
            mean += c.ratio() * c.trials();
        }
        if (total == 0 || succ == 0 || succ == total) {
            return new Fit(Double.NaN, Double.NaN);
        }
        mean /= total;
        double var = 0;
        for (Cell c : cells) {
            var += c.trials() * (c.ratio() - mean) * (c.ratio() - mean);
        }
        double sd = Math.sqrt(var / total);
        if (!(sd > 0)) {
            return new Fit(Double.NaN, Double.NaN);
        }
        double a = Math.log((succ + 0.5) / (total - succ + 0.5));
        double b = 0;
        double obj = objective(cells, a, b, mean, sd);
        for (int iter = 0; iter < 200; iter++) {
            double ga = 0, gb = -RIDGE * b, haa = 0, hab = 0, hbb = RIDGE;
            for (Cell c : cells) {
                double u = (c.ratio() - mean) / sd;
                double p = sigmoid(a + b * u);
                double w = c.trials() * p * (1 - p);
                double e = c.successes() - c.trials() * p;
                ga += e;
                gb += e * u;
                haa += w;
                hab += w * u;
                hbb += w * u * u;
            }
            double det = haa * hbb - hab * hab;
            if (!(det > 0)) {
                break;
            }
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            double t = 1;
            double next = objective(cells, a + da, b + db, mean, sd);
            while (next < obj - 1e-12 && t > 1e-8) { // backtrack: keep ascent
                t /= 2;
                next = objective(cells, a + t * da, b + t * db, mean, sd);
            }
            a += t * da;
            b += t * db;
            boolean done = Math.abs(next - obj) < 1e-12 * (1 + Math.abs(obj));
            obj = next;
            if (done) {
                break;
            }
        }
        if (!(b > 0)) {
            return new Fit(Double.NaN, Double.NaN);
        }
        return new Fit(mean - sd * a / b, b / sd);
    }

    /** Monotone (PAVA) fit of fraction vs ratio, then the first linear crossing of 0.5; NaN if none. */
    public static double interpolate(List<Cell> cells) {
        List<Cell> sorted = new ArrayList<>(cells);
        sorted.sort(Comparator.comparingDouble(Cell::ratio));
        int k = sorted.size();
        double[] x = new double[k];
        double[] val = new double[k];
        double[] wt = new double[k];
        int[] len = new int[k];
        int blocks = 0;
        for (int i = 0; i < k; i++) {
            Cell c = sorted.get(i);
            x[i] = c.ratio();
            val[blocks] = (double) c.successes() / c.trials();
            wt[blocks] = c.trials();
            len[blocks] = 1;
            blocks++;
            while (blocks > 1 && val[blocks - 2] > val[blocks - 1]) {
                double w = wt[blocks - 2] + wt[blocks - 1];
                val[blocks - 2] = (val[blocks - 2] * wt[blocks - 2] + val[blocks - 1] * wt[blocks - 1]) / w;
                wt[blocks - 2] = w;
                len[blocks - 2] += len[blocks - 1];
                blocks--;
            }
        }
        double[] f = new double[k];
        for (int bI = 0, i = 0; bI < blocks; bI++) {
            for (int j = 0; j < len[bI]; j++) {
                f[i++] = val[bI];
            }
        }
        for (int i = 0; i + 1 < k; i++) {
            if (f[i] < 0.5 && f[i + 1] >= 0.5) {
                return x[i] + (0.5 - f[i]) * (x[i + 1] - x[i]) / (f[i + 1] - f[i]);
            }
        }
        return k > 0 && f[0] == 0.5 ? x[0] : Double.NaN;
    }

    private static double objective(List<Cell> cells, double a, double b, double mean, double sd) {
        double ll = -0.5 * RIDGE * b * b;
        for (Cell c : cells) {
            double z = a + b * (c.ratio() - mean) / sd;
            // log σ(z) = −log(1+e^{−z}), log(1−σ(z)) = −log(1+e^{z}), computed stably
            ll += -c.successes() * softplus(-z) - (c.trials() - c.successes()) * softplus(z);
        }
        return ll;
    }

    private static double softplus(double z) {
        return z > 30 ? z : Math.log1p(Math.exp(z));
    }

    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
