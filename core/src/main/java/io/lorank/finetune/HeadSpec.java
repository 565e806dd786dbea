package io.lorank.finetune;

import io.lorank.LorankException;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a fine-tuned classifier needs beside the encoder weights, stored as JSON next to them ({@code
 * lorank_adapter.json} in an adapter folder, {@code lorank_head.json} in a merged model folder): the task it was
 * trained on, its head, the token limit and the embedding head's temperature. The probe's trained readout W [C, d],
 * b [C] is stored as tensors ({@code classifier.weight}, {@code classifier.bias}), not here.
 *
 * @param task      registered task name or task file, as given to {@code lorank finetune --task}
 * @param head      the head kind
 * @param maxLength maximum tokens per input
 * @param scale     the embedding head's temperature s (logits s·cos); ignored by the other heads
 */
public record HeadSpec(String task, HeadKind head, int maxLength, double scale) {
    public HeadSpec {
        if (task == null || task.isBlank() || head == null) {
            throw new IllegalArgumentException("a head spec needs a task and a head kind");
        }
    }

    /** The JSON keys written ({@code task}, {@code head}, {@code max_length}, {@code scale}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("head", head.lowerName());
        m.put("max_length", maxLength);
        m.put("scale", scale);
        return m;
    }

    /**
     * Reads the keys of {@link #toMap()} from {@code m} (parsed from {@code file}); null when {@code m} names no task
     * (a foreign PEFT adapter). A missing {@code max_length} or {@code scale} takes lorank's default.
     */
    public static HeadSpec fromMap(Map<String, Object> m, Path file) {
        Object task = m.get("task");
        if (task == null) {
            return null;
        }
        try {
            HeadKind kind = HeadKind.parse(String.valueOf(m.getOrDefault("head", HeadKind.EMBEDDING.lowerName())));
            int max = m.get("max_length") instanceof Number n ? n.intValue() : Backbone.DEFAULT_MAX_LENGTH;
            double scale = m.get("scale") instanceof Number n ? n.doubleValue() : FeatureHead.DEFAULT_SCALE;
            return new HeadSpec(task.toString(), kind, max, scale);
        } catch (LorankException e) {
            throw new LorankException(file + ": " + e.getMessage());
        }
    }
}
