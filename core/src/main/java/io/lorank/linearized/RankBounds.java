package io.lorank.linearized;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.List;

/**
 * The LoRA rank thresholds of the two papers, for N examples, K outputs and one or more targets W_l [m_l, n_l].
 *
 * <ul>
 * <li><b>Paper 1</b> (Jang, Lee &amp; Ryu, ICML 2024): full fine-tuning in the NTK regime has a solution of rank r
 * with r(r+1)/2 ≤ KN ({@code paper1_existence_rank}, the largest such r); LoRA of rank r with r(r+1)/2 &gt; KN has
 * no spurious local minima ({@code paper1_rank}, the smallest such r). Both scale as r ≈ √(2KN).</li>
 * <li><b>Paper 2</b> (Park 2026, arXiv 2605.03724): the LoRA manifold must be large enough,
 * r(m+n) − r² &gt; C*·KN with C* ≈ 1.35 under Gaussian-iid features. Per target, and for several targets trained
 * together with one common rank r: Σ_l d_l(r) &gt; C*·KN, where d_l(r) = r'(m_l+n_l) − r'², r' = min(r, m_l, n_l)
 * (a target narrower than r is simply full rank).</li>
 * </ul>
 * A threshold is "unattainable" when even r = min(m, n) (full rank: d = m·n) does not satisfy it.
 *
 * <p>Generalization bounds: neither paper's generalization theorem (paper 1: Rademacher bound for the low-rank
 * solution; paper 2: Rademacher bias/variance bound) could be evaluated to a number here: the text available to us
 * did not give all explicit constants, so we report none rather than invent them (see {@link #GENERALIZATION_NOTE}).
 */
public final class RankBounds {
    public static final double DEFAULT_CSTAR = 1.35;
    public static final String GENERALIZATION_NOTE = "not computed: explicit constants for the generalization "
            + "theorems of paper 1 (Rademacher bound on the low-rank solution) and paper 2 (Rademacher bias/variance "
            + "bound) were not available to us; only the rank thresholds are evaluated";

    private RankBounds() {
    }

    /**
     * Validated inputs.
     *
     * @param examples N &gt; 0
     * @param outputs  K &gt; 0
     * @param targets  at least one target shape
     * @param cstar    C* &gt; 0 (paper 2's constant, default 1.35)
     */
    public record Input(int examples, int outputs, List<TargetShape> targets, double cstar) {
        public Input {
            if (examples <= 0) {
                throw new LorankException("--examples: " + examples + " is not positive; give the number N >= 1 of training examples");
            }
            if (outputs <= 0) {
                throw new LorankException("--outputs: " + outputs + " is not positive; give the number K >= 1 of outputs (2 for binary)");
            }
            if (targets == null || targets.isEmpty()) {
                throw new LorankException("targets: none given; pass --shape MxN or --model NAME");
            }
            if (!(cstar > 0) || Double.isInfinite(cstar)) {
                throw new LorankException("--cstar: " + cstar + " is not a positive number; the paper's value is 1.35");
            }
            targets = List.copyOf(targets);
        }

        public long kn() {
            return (long) examples * outputs;
        }
    }

    /** Paper 2's threshold for one target. rank is null when unattainable. */
    public record TargetBound(@JsonProperty("name") String name, @JsonProperty("m") int m, @JsonProperty("n") int n,
                              @JsonProperty("max_rank") int maxRank,
                              @JsonProperty("paper2_rank") Integer paper2Rank,
                              @JsonProperty("paper2_attainable") boolean paper2Attainable,
                              @JsonProperty("dimension_at_rank") long dimensionAtRank,
                              @JsonProperty("paper1_within_max_rank") boolean paper1WithinMaxRank) {
    }

    /** Everything {@code lorank bounds} prints. Ranks are null when unattainable. */
    public record Report(@JsonProperty("examples") int examples, @JsonProperty("outputs") int outputs,
                         @JsonProperty("kn") long kn, @JsonProperty("cstar") double cstar,
                         @JsonProperty("paper1_rank") long paper1Rank,
                         @JsonProperty("paper1_existence_rank") long paper1ExistenceRank,
                         @JsonProperty("paper1_sqrt_2kn") double sqrt2kn,
                         @JsonProperty("paper2_rank") Integer paper2Rank,
                         @JsonProperty("paper2_attainable") boolean paper2Attainable,
                         @JsonProperty("paper2_required_dimension") double requiredDimension,
                         @JsonProperty("paper2_dimension_at_rank") long paper2DimensionAtRank,
                         @JsonProperty("targets") List<TargetBound> targets,
                         @JsonProperty("generalization") String generalization) {
    }

    public static Report compute(Input in) {
        long kn = in.kn();
        long p1 = paper1Rank(kn);
        double need = in.cstar() * kn;
        List<TargetBound> per = new ArrayList<>();
        for (TargetShape t : in.targets()) {
            Integer r = paper2Rank(List.of(t), need);
            per.add(new TargetBound(t.name(), t.m(), t.n(), t.maxRank(), r, r != null,
                    r == null ? t.manifoldDimension(t.maxRank()) : t.manifoldDimension(r), p1 <= t.maxRank()));
        }
        Integer joint = paper2Rank(in.targets(), need);
        int cap = in.targets().stream().mapToInt(TargetShape::maxRank).max().orElseThrow();
        long dimAt = totalDimension(in.targets(), joint == null ? cap : joint);
        return new Report(in.examples(), in.outputs(), kn, in.cstar(), p1, p1 - 1, Math.sqrt(2.0 * kn),
                joint, joint != null, need, dimAt, List.copyOf(per), GENERALIZATION_NOTE);
    }

    /**
     * Smallest r ≥ 1 with r(r+1)/2 &gt; kn (paper 1's no-spurious-minima rank). A long: for KN up to (2³¹−1)² it is
     * about 3·10⁹, more than an int holds.
     */
    public static long paper1Rank(long kn) {
        if (kn < 0) {
            throw new IllegalArgumentException("kn < 0: " + kn);
        }
        long r = (long) Math.floor((Math.sqrt(8.0 * kn + 1) - 1) / 2); // r(r+1)/2 <= kn up to rounding
        while (r > 0 && triangle(r) > kn) {
            r--;
        }
        while (triangle(r) <= kn) {
            r++;
        }
        return Math.max(1, r);
    }

    /** r(r+1)/2 without overflow for every r paper1Rank can reach (halve the even factor first). */
    public static long triangle(long r) {
        return r % 2 == 0 ? Math.multiplyExact(r / 2, r + 1) : Math.multiplyExact(r, (r + 1) / 2);
    }

    /** Σ_l d_l(r), each target capped at its own full rank; a one-line error if the sum passes 2⁶³ − 1. */
    public static long totalDimension(List<TargetShape> targets, int r) {
        long sum = 0;
        for (TargetShape t : targets) {
            try {
                sum = Math.addExact(sum, t.manifoldDimension(r));
            } catch (ArithmeticException e) {
                throw new LorankException("targets: the total LoRA dimension at r = " + r + " over " + targets.size()
                        + " targets overflows a 64-bit count; use fewer or smaller targets");
            }
        }
        return sum;
    }

    /**
     * Smallest common r in [1, max_l min(m_l, n_l)] with Σ_l d_l(r) &gt; need, or null if none. d_l(r) is
     * nondecreasing in r (r ≤ min(m,n) ≤ (m+n)/2), so the first r found is the smallest.
     */
    public static Integer paper2Rank(List<TargetShape> targets, double need) {
        int cap = targets.stream().mapToInt(TargetShape::maxRank).max().orElseThrow();
        if (!(totalDimension(targets, cap) > need)) {
            return null;
        }
        int lo = 1;
        int hi = cap; // invariant: the answer is in [lo, hi]; binary search, as cap can be ~2^31
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (totalDimension(targets, mid) > need) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
