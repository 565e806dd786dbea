package io.lorank.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.EncoderInput;
import io.lorank.encoder.EncoderOutput;
import io.lorank.encoder.MlmHead;
import io.lorank.engine.Engines;
import io.lorank.text.LabelVerbalizer;
import io.lorank.text.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * LM-BFF's prompt head: the task's template with the mask token, the MLM head's scores of the label words at the
 * mask position as the logits,
 * <pre>
 *   z_c(x) = MLM(h_mask(prompt(x)))[v_c]        h_mask [d], MLM: [d] → [V], v_c = token id of label c's word
 * </pre>
 * Label words follow LM-BFF's leading-space rule ({@link LabelVerbalizer#lmBffTokenText}) and must be single
 * tokens. The mask-position gather and the label-word selection are one-hot matrix products, so the logits stay
 * differentiable with respect to every encoder parameter.
 */
public final class MlmPromptHead implements ClassifierHead {
    private final Backbone backbone;
    private final Task task;
    private final PromptTokens prompts;
    private final long[] labelTokens; // [C]

    public MlmPromptHead(Backbone backbone, Task task) {
        Encoder enc = backbone.encoder();
        if (!enc.hasMlmHead()) {
            throw new LorankException("model " + backbone.name() + " has no MLM head weights ("
                    + MlmHead.prefixFor(enc.config().architecture()) + ".*); use --head embedding or probe");
        }
        if (!task.template().hasMask()) {
            throw new LorankException("task " + task.name() + ": template '" + task.template().source()
                    + "' has no *mask*; the mlm head predicts the label word there; add *mask* or use --head embedding or probe");
        }
        if (!task.verbalizer().hasWords()) {
            throw new LorankException("task " + task.name()
                    + ": defines no label words; the MLM head needs one per label");
        }
        this.backbone = backbone;
        this.task = task;
        this.prompts = new PromptTokens(task.template(), backbone.tokenizer(), backbone.specials(),
                backbone.maxLength());
        this.labelTokens = labelTokenIds(task, backbone);
    }

    /** The single token id of each label word, or an error naming the word, the task and the tokens found. */
    static long[] labelTokenIds(Task task, Backbone backbone) {
        LabelVerbalizer v = task.verbalizer();
        long[] ids = new long[task.numClasses()];
        for (int c = 0; c < ids.length; c++) {
            String text = v.lmBffTokenText(c);
            long[] t = backbone.tokenizer().tokenIds(text);
            if (t.length != 1) {
                throw new LorankException("task " + task.name() + ": label word '" + v.words().get(c) + "' is "
                        + t.length + " tokens " + Arrays.toString(t) + " for " + backbone.name()
                        + "'s tokenizer; an MLM prompt head needs single-token label words");
            }
            ids[c] = t[0];
        }
        return ids;
    }

    /** Token ids of the label words [C]. */
    public long[] labelTokenIds() {
        return labelTokens.clone();
    }

    /** The tokenized prompt of one example (ids, types, mask position). */
    PromptTokens.Encoded encode(Example e) {
        return prompts.encode(e.texts());
    }

    @Override
    public NDArray forward(List<Example> batch, NDManager m, io.lorank.encoder.LinearTaps taps) {
        List<PromptTokens.Encoded> rows = new ArrayList<>(batch.size());
        for (Example e : batch) {
            rows.add(encode(e));
        }
        TokenBatch tb = prompts.batch(rows);
        Encoder enc = backbone.encoder();
        EncoderOutput out = enc.forward(EncoderInput.of(tb, enc.config(), m), taps);
        int b = tb.batchSize();
        int t = tb.length();
        float[] pick = new float[b * t];
        for (int i = 0; i < b; i++) {
            pick[i * t + rows.get(i).maskPosition()] = 1f;
        }
        NDArray onehot = m.create(pick, new Shape(b, t, 1)).toType(enc.dataType(), false);      // [B, T, 1]
        NDArray hMask = out.last().mul(onehot).sum(new int[] {1});                                // [B, d]
        NDArray vocab = enc.mlmLogits(hMask);                                                    // [B, V]
        int v = enc.config().vocabSize();
        float[] sel = new float[v * labelTokens.length];
        for (int c = 0; c < labelTokens.length; c++) {
            sel[(int) labelTokens[c] * labelTokens.length + c] = 1f;
        }
        NDArray select = m.create(sel, new Shape(v, labelTokens.length)).toType(enc.dataType(), false); // [V, C]
        return vocab.matMul(select);                                                              // [B, C]
    }

    @Override
    public double[][] logits(List<Example> examples) {
        return Batching.map(examples, numClasses(), task.name() + " mlm", batch -> {
            try (NDManager m = Engines.newManager()) {
                return forward(batch, m).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
        });
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of();
    }

    @Override
    public HeadKind kind() {
        return HeadKind.MLM;
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public void close() {
        // owns no arrays
    }
}
