package io.lorank.finetune;

import io.lorank.LorankException;
import io.lorank.head.HeadKind;
import io.lorank.lora.LoraConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code lorank finetune} run (a study cell): a model, a task's k-shot splits over seeds, a head, LoRA or full
 * fine-tuning, the optimizer. Validated on construction.
 *
 * @param model     NAME_OR_PATH of the encoder
 * @param task      registered task name or task file
 * @param head      EMBEDDING or MLM (prompt heads, fixed) or PROBE (fitted on train at W0, then trained and saved)
 * @param lora      the adapter; null: full fine-tuning of every encoder weight (the baseline)
 * @param train     optimizer and schedule (its seed is replaced by each split seed)
 * @param seeds     split seeds (non-empty, distinct, ≥ 0); each also seeds the adapter init, batches and dropout
 * @param shots     k per class (≥ 1)
 * @param data      LM-BFF data folder; null: ../shared/data
 * @param testCap   at most this many test examples (0: all)
 * @param maxLength maximum tokens per input (8..8192)
 * @param quiet     no progress bar
 * @param diagnosticsTest kernel-regime diagnostics ({@link KernelDiagnostics}) after training, comparing the
 *                  trained and the linearized model on this many test examples; 0: no diagnostics
 */
public record FinetuneConfig(String model, String task, HeadKind head, LoraConfig lora, TrainConfig train,
                             List<Integer> seeds, int shots, Path data, int testCap, int maxLength, boolean quiet,
                             int diagnosticsTest) {
    /** Without diagnostics. */
    public FinetuneConfig(String model, String task, HeadKind head, LoraConfig lora, TrainConfig train,
                          List<Integer> seeds, int shots, Path data, int testCap, int maxLength, boolean quiet) {
        this(model, task, head, lora, train, seeds, shots, data, testCap, maxLength, quiet, 0);
    }

    public FinetuneConfig {
        if (diagnosticsTest < 0) {
            throw new LorankException("--diagnostics-test: " + diagnosticsTest + " is not allowed; expected >= 1 "
                    + "test examples (or no --diagnostics)");
        }
        if (model == null || model.isBlank() || task == null || task.isBlank() || head == null || train == null) {
            throw new LorankException("finetune: --model, --task and --head are required");
        }
        if (seeds == null || seeds.isEmpty() || seeds.stream().anyMatch(s -> s < 0)
                || seeds.stream().distinct().count() != seeds.size()) {
            throw new LorankException("--seeds: " + seeds + " is not allowed; expected distinct seeds >= 0, e.g. "
                    + "13,21,42,87,100");
        }
        seeds = List.copyOf(seeds);
        if (shots < 1) {
            throw new LorankException("--shots: " + shots + " is not allowed; expected k >= 1");
        }
        if (testCap < 0) {
            throw new LorankException("--test-cap: " + testCap + " is not allowed; expected 0 (no cap) or a count");
        }
        if (maxLength < 8 || maxLength > 8192) {
            throw new LorankException("--max-length: " + maxLength + " is not allowed; expected 8..8192");
        }
    }

    /** Whether the kernel-regime diagnostics run. */
    public boolean diagnostics() {
        return diagnosticsTest > 0;
    }

    /** Whether every encoder weight is trained (no adapter). */
    public boolean full() {
        return lora == null;
    }
}
