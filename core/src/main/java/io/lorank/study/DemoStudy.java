package io.lorank.study;

import io.lorank.data.FewShotSampler;
import io.lorank.model.ModelRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed grid of {@code lorank demo}: the default model on the two built-in WordNet tasks, 16-shot, LM-BFF's five
 * seeds, with every mode this build can run. Sizes are chosen so that the whole demo (build included, after the
 * first dependency download) stays within 10 minutes on 2 cores: the test set is capped at {@link #TEST_CAP}
 * examples per task (NumPy shuffle, seed 42).
 */
public final class DemoStudy {
    public static final List<String> TASKS = List.of("wordnet-binary", "wordnet-5way");
    /** Test examples kept per task: 500 of 1,000 (binary) and of 2,500 (5-way). */
    public static final int TEST_CAP = 500;
    public static final List<Integer> RANKS = List.of(1, 2, 4, 8);

    private DemoStudy() {
    }

    public static StudyConfig config() {
        List<String> modes = new ArrayList<>(List.of("eval", "bounds"));
        return new StudyConfig(List.of(ModelRegistry.DEFAULT), TASKS, FewShotSampler.DEFAULT_SEEDS, List.of(), modes,
                List.of("embedding", "probe"), List.of(), 16, TEST_CAP, 128, "query,value", null, null);
    }
}
