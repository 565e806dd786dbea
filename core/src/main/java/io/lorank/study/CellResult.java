package io.lorank.study;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The deterministic part of what a cell measured: one schema for every mode (fields a mode does not produce are
 * null and left out of the JSON). Timing and machine live apart ({@link CellTiming}, {@link Provenance}), so a cell
 * recomputed on the same inputs gives the same bytes.
 *
 * @param metric           the task metric's short name (accuracy, f1, mcc)
 * @param testMetric       that metric on the test split, in [0, 1] (or [-1, 1] for mcc)
 * @param accuracy         test accuracy
 * @param testSize         test examples scored
 * @param examples         N, training examples the problem was fitted on
 * @param outputs          K, outputs per example
 * @param objective        final objective F of the fitted LoRA (or probe) point
 * @param convexObjective  P(ΔW*) of the convex (nuclear-norm) problem
 * @param relativeGap      certificate's relative duality gap
 * @param maxOpNorm        max over targets of ‖∇F‖op / λ
 * @param verdict          certificate verdict (CERTIFIED_GLOBAL, NOT_CONVERGED, STATIONARY_NOT_GLOBAL)
 * @param certified        verdict == CERTIFIED_GLOBAL
 * @param convexRank       rank of ΔW* (sum over targets)
 * @param solverStatus     solver status (CONVERGED, MAX_ITER, DIVERGED)
 * @param iterations       solver iterations
 * @param curve            objective per iteration (down-sampled to at most {@link #CURVE_POINTS} points)
 * @param paper1Rank       smallest r with r(r+1)/2 &gt; KN (Jang, Lee &amp; Ryu 2024)
 * @param paper2Rank       smallest common r with Σ r(m+n) − r² &gt; C*·KN (Park 2026); -1: unattainable
 * @param details          mode-specific extras (λ, probe status, per-target ranks, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CellResult(String metric, Double testMetric, Double accuracy, Integer testSize, Integer examples,
                         Integer outputs, Double objective, Double convexObjective, Double relativeGap,
                         Double maxOpNorm, String verdict, Boolean certified, Integer convexRank,
                         String solverStatus, Integer iterations, double[] curve, Integer paper1Rank,
                         Integer paper2Rank, Map<String, Object> details) {
    public static final int CURVE_POINTS = 200;

    public static Builder builder() {
        return new Builder();
    }

    /** Evenly spaced samples of {@code curve} (first and last kept), at most {@link #CURVE_POINTS}. */
    public static double[] downsample(double[] curve) {
        if (curve == null || curve.length <= CURVE_POINTS) {
            return curve;
        }
        double[] out = new double[CURVE_POINTS];
        for (int i = 0; i < CURVE_POINTS; i++) {
            out[i] = curve[(int) Math.round((double) i * (curve.length - 1) / (CURVE_POINTS - 1))];
        }
        return out;
    }

    /** Optional fields by name; {@link #build()} makes the record. */
    public static final class Builder {
        private String metric;
        private Double testMetric;
        private Double accuracy;
        private Integer testSize;
        private Integer examples;
        private Integer outputs;
        private Double objective;
        private Double convexObjective;
        private Double relativeGap;
        private Double maxOpNorm;
        private String verdict;
        private Boolean certified;
        private Integer convexRank;
        private String solverStatus;
        private Integer iterations;
        private double[] curve;
        private Integer paper1Rank;
        private Integer paper2Rank;
        private Map<String, Object> details;

        public Builder metric(String name, double value) {
            metric = name;
            testMetric = value;
            return this;
        }

        public Builder accuracy(double v, int size) {
            accuracy = v;
            testSize = size;
            return this;
        }

        public Builder problem(int n, int k) {
            examples = n;
            outputs = k;
            return this;
        }

        public Builder objective(double v) {
            objective = v;
            return this;
        }

        public Builder convex(Double objectiveValue, Integer rank) {
            convexObjective = objectiveValue;
            convexRank = rank;
            return this;
        }

        public Builder certificate(String v, Double gap, Double opNorm) {
            verdict = v;
            certified = "CERTIFIED_GLOBAL".equals(v);
            relativeGap = gap;
            maxOpNorm = opNorm;
            return this;
        }

        public Builder solver(String status, Integer iters, double[] objectiveCurve) {
            solverStatus = status;
            iterations = iters;
            curve = downsample(objectiveCurve);
            return this;
        }

        public Builder bounds(int paper1, int paper2) {
            paper1Rank = paper1;
            paper2Rank = paper2;
            return this;
        }

        public Builder details(Map<String, Object> d) {
            details = d;
            return this;
        }

        public CellResult build() {
            return new CellResult(metric, testMetric, accuracy, testSize, examples, outputs, objective, convexObjective,
                    relativeGap, maxOpNorm, verdict, certified, convexRank, solverStatus, iterations, curve, paper1Rank,
                    paper2Rank, details);
        }
    }
}
