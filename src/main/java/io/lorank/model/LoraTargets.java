package io.lorank.model;

import io.lorank.LorankException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Linear weights of a BERT-family encoder that LoRA can target, named as in Hugging Face
 * ({@code encoder.layer.3.attention.self.query}), with their [out = m, in = n] shapes read from the config.
 */
public final class LoraTargets {
    /** Module suffixes within a layer, in the order HF lists them. */
    public static final List<String> SUFFIXES = List.of(
            "query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense");

    /** One target matrix: W is [out, in]. */
    public record Target(String name, int out, int in) {
    }

    private LoraTargets() {
    }

    /** Every layer's targets in {@code targetSet} (comma-separated suffixes, e.g. {@code query,value}). */
    public static List<Target> of(EncoderConfig c, String targetSet) {
        List<String> wanted = Arrays.stream(targetSet.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (wanted.isEmpty()) {
            throw new LorankException("--target-set: empty; choose from " + SUFFIXES);
        }
        int d = c.hiddenSize();
        int ff = c.intermediateSize();
        List<Target> out = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (String t : wanted) {
                String prefix = "encoder.layer." + layer + ".";
                out.add(switch (t) {
                    case "query", "key", "value" -> new Target(prefix + "attention.self." + t, d, d);
                    case "attention.output.dense" -> new Target(prefix + t, d, d);
                    case "intermediate.dense" -> new Target(prefix + t, ff, d);
                    case "output.dense" -> new Target(prefix + t, d, ff);
                    default -> throw new LorankException("--target-set: '" + t + "' is not a known target; choose from "
                            + SUFFIXES);
                });
            }
        }
        return List.copyOf(out);
    }

    /** The config of a known model name or of a Hugging Face folder (its config.json), without loading weights. */
    public static EncoderConfig config(String nameOrFolder) {
        var known = ModelRegistry.find(nameOrFolder);
        if (known.isPresent()) {
            return known.get().config();
        }
        Path json = Path.of(nameOrFolder).resolve("config.json");
        if (Files.isRegularFile(json)) {
            return EncoderConfig.read(json);
        }
        throw new LorankException("--model: '" + nameOrFolder + "' is neither a known model ("
                + ModelRegistry.all().stream().map(KnownModel::name).toList()
                + ") nor a folder with config.json; run `lorank models` for the list");
    }
}
