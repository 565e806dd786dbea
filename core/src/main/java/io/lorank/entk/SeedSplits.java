package io.lorank.entk;

import io.lorank.LorankException;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.HeadKind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few-shot splits of a task over seeds, as the eNTK drivers ({@link LinearizedFineTuning}, {@link KernelBaselines})
 * need them: one split per seed, each with a test set (capped), and the checks of the task and head they share.
 */
final class SeedSplits {
    private SeedSplits() {
    }

    /** One split per seed (k per class), test capped at {@code testCap}; refuses --binary on a non-binary task. */
    static List<FewShotSplit> load(Task task, Path data, boolean binary, int shots, List<Integer> seeds, int testCap) {
        if (binary && task.numClasses() != 2) {
            throw new LorankException("--binary: task " + task.name() + " has " + task.numClasses()
                    + " classes; the single logit z1 - z0 needs 2");
        }
        List<FewShotSplit> splits = new ArrayList<>();
        for (int seed : seeds) {
            FewShotSplit s = SplitLoader.load(task, data, new SplitLoader.Request(shots, seed, false));
            if (s.test().isEmpty()) {
                throw new LorankException("task " + task.name() + ": no test set found, nothing to evaluate");
            }
            splits.add(Evaluation.capped(s, testCap));
        }
        return splits;
    }

    /** Refuses the MLM head on a checkpoint without masked-LM weights. */
    static void requireHead(Backbone bb, HeadKind head) {
        if (head == HeadKind.MLM && !bb.encoder().hasMlmHead()) {
            throw new LorankException("--head mlm: " + bb.name() + " has no masked-LM head; use --head embedding or probe");
        }
    }
}
