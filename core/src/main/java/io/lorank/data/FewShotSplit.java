package io.lorank.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.nio.file.Path;
import java.util.List;

/**
 * The examples one run uses: k per class for train and for dev, and a test set.
 *
 * @param task     task name
 * @param k        examples per class in train (and in dev)
 * @param seed     split seed (LM-BFF's 13, 21, 42, 87, 100 by default)
 * @param source   where the split came from, e.g. {@code k-shot/SST-2/16-13 (LM-BFF published)} or
 *                 {@code sampled from trec/train.csv (LM-BFF procedure, NumPy MT19937 seed 13)}
 * @param testNote null, or a sentence on a missing/substituted/capped test set
 */
public record FewShotSplit(String task, int k, int seed, String source, List<Example> train, List<Example> dev,
                           List<Example> test, String testNote) {
    public FewShotSplit {
        train = List.copyOf(train);
        dev = List.copyOf(dev);
        test = List.copyOf(test);
    }

    /** Per-class counts of {@code examples} for {@code numClasses} classes. */
    public static int[] classCounts(List<Example> examples, int numClasses) {
        int[] c = new int[numClasses];
        for (Example e : examples) {
            c[e.label()]++;
        }
        return c;
    }

    /** The split as JSON: metadata and every example (id, label index, label name, texts) of each part. */
    public ObjectNode toJson(List<String> labels) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("task", task);
        root.put("k", k);
        root.put("seed", seed);
        root.put("source", source);
        if (testNote != null) {
            root.put("test_note", testNote);
        }
        root.set("train", list(train, labels));
        root.set("dev", list(dev, labels));
        root.set("test", list(test, labels));
        return root;
    }

    private static ArrayNode list(List<Example> examples, List<String> labels) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Example e : examples) {
            ObjectNode o = arr.addObject();
            o.put("id", e.id());
            o.put("label", e.label());
            o.put("label_name", labels.get(e.label()));
            o.put("text", e.text());
            if (e.textPair() != null) {
                o.put("text_pair", e.textPair());
            }
        }
        return arr;
    }

    /** The file {@link #write} writes. */
    public static final String FILE = "split.json";

    /** Writes {@code split.json} into {@code runDir} atomically and returns its path. */
    public Path write(Path runDir, List<String> labels) {
        Path file = runDir.resolve(FILE);
        AtomicFiles.writeString(file, Json.write(toJson(labels)) + "\n");
        return file;
    }
}
