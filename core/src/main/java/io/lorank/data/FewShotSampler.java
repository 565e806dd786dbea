package io.lorank.data;

import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lorank's k-shot sampler for a full training pool, LM-BFF's procedure ({@code tools/generate_k_shot_data.py}):
 * shuffle the pool with NumPy's legacy MT19937 shuffle seeded by {@code seed} ({@link NumpyShuffle}), group the
 * rows by label in order of first appearance, take the first k of each group as train and the next k as dev.
 * On LM-BFF's own {@code data/original} files this reproduces the published k-shot files row for row; on any other
 * file it is still a fixed, documented function of (file rows, k, seed), identical across runs and machines.
 *
 * <p>The test set is the pool's original dev/test file, optionally capped at 1,000 examples as LM-Kernel-FT's
 * {@code k-shot-1k-test} does: shuffle with seed 42 and keep the first 1,000 (for its CSV tasks pandas'
 * {@code sample(n=1000, random_state=42)} draws the same rows in the same order).
 */
public final class FewShotSampler {
    /** LM-BFF's seeds, in the order its script loops over them. */
    public static final List<Integer> DEFAULT_SEEDS = List.of(13, 21, 42, 87, 100);
    public static final List<Integer> LMBFF_SEED_LOOP = List.of(100, 13, 21, 42, 87);
    public static final int TEST_CAP = 1000;
    public static final int TEST_CAP_SEED = 42;

    private FewShotSampler() {
    }

    /** Train and dev, k per class each, from {@code pool}; fails when a class has fewer than 2k examples. */
    public static List<List<Example>> sample(List<Example> pool, int numClasses, int k, long seed, String where) {
        return sample(pool, numClasses, k, seed, List.of(), where);
    }

    /**
     * As {@link #sample(List, int, int, long, String)}, but first shuffles the pool in place with each of
     * {@code earlierSeeds}: LM-BFF shuffles CoLA's headerless line list in place across its seed loop
     * (100, 13, 21, 42, 87), so its CoLA split for seed s depends on the seeds before s.
     */
    public static List<List<Example>> sample(List<Example> pool, int numClasses, int k, long seed,
                                             List<Integer> earlierSeeds, String where) {
        if (k < 1) {
            throw new LorankException("--shots: " + k + " is not allowed; expected k >= 1");
        }
        List<Example> rows = new ArrayList<>(pool);
        for (int s : earlierSeeds) {
            NumpyShuffle.shuffle(rows, s);
        }
        NumpyShuffle.shuffle(rows, seed);
        Map<Integer, List<Example>> byLabel = new LinkedHashMap<>();
        for (Example e : rows) {
            byLabel.computeIfAbsent(e.label(), x -> new ArrayList<>()).add(e);
        }
        for (int c = 0; c < numClasses; c++) {
            int have = byLabel.getOrDefault(c, List.of()).size();
            if (have < 2 * k) {
                throw new LorankException(where + ": class " + c + " has " + have + " examples, need " + 2 * k
                        + " for k=" + k + " train + k dev; lower --shots");
            }
        }
        List<Example> train = new ArrayList<>();
        List<Example> dev = new ArrayList<>();
        for (List<Example> group : byLabel.values()) {
            train.addAll(group.subList(0, k));
            dev.addAll(group.subList(k, 2 * k));
        }
        return List.of(train, dev);
    }

    /** The LM-BFF seeds that precede {@code seed} in its loop (for the CoLA in-place shuffle). */
    public static List<Integer> lmBffEarlierSeeds(int seed) {
        int at = LMBFF_SEED_LOOP.indexOf(seed);
        return at < 0 ? List.of() : LMBFF_SEED_LOOP.subList(0, at);
    }

    /** {@code test} capped at {@code cap} rows: shuffle with seed 42 and keep the first {@code cap}; else as is. */
    public static List<Example> capTest(List<Example> test, int cap) {
        if (test.size() <= cap) {
            return test;
        }
        List<Example> rows = new ArrayList<>(test);
        NumpyShuffle.shuffle(rows, TEST_CAP_SEED);
        return List.copyOf(rows.subList(0, cap));
    }
}
