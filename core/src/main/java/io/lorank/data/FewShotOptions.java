package io.lorank.data;

import io.lorank.LorankException;

import java.util.List;

/**
 * The option checks every few-shot run shares (kernel, linearized, finetune): one wording for each, as one-line
 * errors naming the option.
 */
public final class FewShotOptions {
    private FewShotOptions() {
    }

    /**
     * --model, --task and --head given, --shots ≥ 1, --seeds distinct and ≥ 0.
     *
     * @return an unmodifiable copy of the seeds
     */
    public static List<Integer> check(String command, String model, String task, Object head, int shots, List<Integer> seeds) {
        if (model == null || model.isBlank() || task == null || task.isBlank() || head == null) {
            throw new LorankException(command + ": --model, --task and --head are required");
        }
        if (shots < 1) {
            throw new LorankException("--shots: " + shots + " is not allowed; expected k >= 1");
        }
        if (seeds == null || seeds.isEmpty() || seeds.stream().anyMatch(s -> s < 0)
                || seeds.stream().distinct().count() != seeds.size()) {
            throw new LorankException("--seeds: " + seeds + " is not allowed; expected distinct seeds >= 0, e.g. 13,21,42,87,100");
        }
        return List.copyOf(seeds);
    }

    /** --test-cap ≥ 0 (0: no cap), --max-length in 8..8192. */
    public static void checkLengths(int testCap, int maxLength) {
        if (testCap < 0) {
            throw new LorankException("--test-cap: " + testCap + " is not allowed; expected 0 (no cap) or a positive count");
        }
        if (maxLength < 8 || maxLength > 8192) {
            throw new LorankException("--max-length: " + maxLength + " is not allowed; expected 8..8192");
        }
    }
}
