package io.lorank.linearized;

import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Target shapes of the three embedded BERT-family encoders, for {@code lorank bounds --model}.
 * TODO(encoder issue): replace this table by reading the real EncoderConfig of the checkpoint.
 */
public final class KnownModelShapes {
    /** layers, hidden and intermediate size of one encoder. */
    record Dims(int layers, int hidden, int intermediate) {
    }

    private static final Map<String, Dims> MODELS = new TreeMap<>(Map.of(
            "all-minilm-l6-v2", new Dims(6, 384, 1536),
            "bge-small-en-v1.5", new Dims(12, 384, 1536),
            "e5-small-v2", new Dims(12, 384, 1536)));

    /** Target suffixes (HF names) and whether W is hidden×hidden, intermediate×hidden or hidden×intermediate. */
    private static final List<String> TARGETS = List.of(
            "query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense");

    private KnownModelShapes() {
    }

    public static List<String> models() {
        return List.copyOf(MODELS.keySet());
    }

    /** One TargetShape per (layer, target) for the given model and comma-separated target set. */
    public static List<TargetShape> shapes(String model, String targetSet) {
        Dims d = MODELS.get(model == null ? "" : model.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new LorankException("--model: '" + model + "' is not known; choose one of " + models());
        }
        List<String> wanted = Arrays.stream(targetSet.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (wanted.isEmpty()) {
            throw new LorankException("--target-set: empty; choose from " + TARGETS);
        }
        List<TargetShape> out = new ArrayList<>();
        for (int layer = 0; layer < d.layers(); layer++) {
            for (String t : wanted) {
                String name = "encoder.layer." + layer + "." + t;
                switch (t) {
                    case "query", "key", "value", "attention.output.dense" -> out.add(new TargetShape(name, d.hidden(), d.hidden()));
                    case "intermediate.dense" -> out.add(new TargetShape(name, d.intermediate(), d.hidden()));
                    case "output.dense" -> out.add(new TargetShape(name, d.hidden(), d.intermediate()));
                    default -> throw new LorankException("--target-set: '" + t + "' is not a known target; choose from " + TARGETS);
                }
            }
        }
        return List.copyOf(out);
    }
}
