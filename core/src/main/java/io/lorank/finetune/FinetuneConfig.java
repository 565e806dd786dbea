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
        seeds = io.lorank.data.FewShotOptions.check("finetune", model, task, head, shots, seeds);
        if (train == null) {
            throw new LorankException("finetune: the training settings (TrainConfig) are required");
        }
        io.lorank.data.FewShotOptions.checkLengths(testCap, maxLength);
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
