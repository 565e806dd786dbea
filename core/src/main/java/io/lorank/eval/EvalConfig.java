package io.lorank.eval;

import io.lorank.LorankException;
import io.lorank.data.FewShotSampler;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code lorank eval} run, validated.
 *
 * @param model     NAME_OR_PATH of the encoder
 * @param task      registered task name or task file
 * @param head      which head
 * @param shots     k per class in train and dev (≥ 1)
 * @param seeds     split seeds (non-empty, each ≥ 0, no repeats)
 * @param data      LM-BFF data folder; null: {@code ../shared/data} when it exists
 * @param testCap   keep at most this many test examples (NumPy shuffle seed 42, as LM-Kernel-FT's 1k test); 0: all
 * @param scale     temperature s of the embedding head (> 0)
 * @param maxLength maximum tokens per input (8..8192)
 * @param out       folder for config.json, results.json and seed-S/split.json; null: write nothing
 */
public record EvalConfig(String model, String task, HeadKind head, int shots, List<Integer> seeds, Path data,
                         int testCap, double scale, int maxLength, Path out) {
    public EvalConfig {
        if (model == null || model.isBlank() || task == null || task.isBlank() || head == null) {
            throw new LorankException("eval: --model, --task and --head are required");
        }
        if (shots < 1) {
            throw new LorankException("--shots: " + shots + " is not allowed; expected k >= 1");
        }
        if (seeds == null || seeds.isEmpty()) {
            throw new LorankException("--seeds: empty; give at least one seed, e.g. 13,21,42,87,100");
        }
        seeds = List.copyOf(seeds);
        for (int s : seeds) {
            if (s < 0) {
                throw new LorankException("--seed: " + s + " is not allowed; expected seeds >= 0");
            }
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new LorankException("--seeds: " + seeds + " repeats a seed; give each seed once");
        }
        if (testCap < 0) {
            throw new LorankException("--test-cap: " + testCap
                    + " is not allowed; expected 0 (no cap) or a positive count");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new LorankException("--scale: " + scale + " is not allowed; expected a finite value > 0");
        }
        if (maxLength < 8 || maxLength > 8192) {
            throw new LorankException("--max-length: " + maxLength + " is not allowed; expected 8..8192");
        }
    }

    /** Defaults for everything but model, task and head: 16 shots, LM-BFF's five seeds, full test, s = 20. */
    public static EvalConfig defaults(String model, String task, HeadKind head) {
        return new EvalConfig(model, task, head, 16, FewShotSampler.DEFAULT_SEEDS, null, 0,
                FeatureHead.DEFAULT_SCALE, Backbone.DEFAULT_MAX_LENGTH, null);
    }

    public EvalConfig withSeeds(List<Integer> s) {
        return new EvalConfig(model, task, head, shots, s, data, testCap, scale, maxLength, out);
    }

    public EvalConfig withShots(int k) {
        return new EvalConfig(model, task, head, k, seeds, data, testCap, scale, maxLength, out);
    }

    public EvalConfig withTestCap(int cap) {
        return new EvalConfig(model, task, head, shots, seeds, data, cap, scale, maxLength, out);
    }

    public EvalConfig withData(Path d) {
        return new EvalConfig(model, task, head, shots, seeds, d, testCap, scale, maxLength, out);
    }

    public EvalConfig withOut(Path o) {
        return new EvalConfig(model, task, head, shots, seeds, data, testCap, scale, maxLength, o);
    }
}
