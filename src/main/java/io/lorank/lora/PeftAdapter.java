package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.Linear;
import io.lorank.encoder.LinearTarget;
import io.lorank.model.Checkpoint;
import io.lorank.model.Dtype;
import io.lorank.model.HostTensor;
import io.lorank.model.Safetensors;
import io.lorank.model.TokenizerSource;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * LoRA adapters in Hugging Face PEFT's layout (PEFT's {@code save_pretrained} / {@code from_pretrained}, no
 * conversion): a folder with
 * <ul>
 *   <li>{@code adapter_config.json}: {@code peft_type "LORA"}, {@code task_type}, {@code r}, {@code lora_alpha},
 *       {@code lora_dropout}, {@code target_modules}, {@code use_rslora}, {@code modules_to_save},
 *       {@code base_model_name_or_path}, {@code bias "none"}, {@code fan_in_fan_out false},
 *       {@code init_lora_weights}, {@code inference_mode}, {@code peft_version}, {@code rank_pattern},
 *       {@code alpha_pattern};</li>
 *   <li>{@code adapter_model.safetensors} (metadata {@code {"format": "pt"}}, F32):
 *       {@code base_model.model.<module>.lora_A.weight} [r, n] and {@code ….lora_B.weight} [m, r] for every target,
 *       and the trainable head's tensors under {@code base_model.model.<head module>.*} (PEFT strips
 *       {@code modules_to_save.default} when it saves).</li>
 * </ul>
 * lorank's own extras (task, head kind) go to {@code lorank_adapter.json} beside them, so PEFT's config parser sees
 * only its own keys. Saves replace the whole folder atomically ({@link FolderSwap}).
 */
public final class PeftAdapter {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String PREFIX = "base_model.model.";
    /** The PEFT release whose layout these files follow. */
    public static final String PEFT_VERSION = "0.17.1";

    /**
     * An adapter read from disk and checked against an encoder.
     *
     * @param config        the LoRA settings (targets as full module names; ranks from the tensors)
     * @param targets       the adapted modules, in encoder order
     * @param weights       per module {A [r·n], B [m·r]} row-major
     * @param modulesToSave the head's tensors by name without {@link #PREFIX} (e.g. {@code classifier.weight})
     * @param baseModel     {@code base_model_name_or_path}
     */
    public record Loaded(LoraConfig config, List<LinearTarget> targets, Map<String, float[][]> weights,
                         Map<String, HostTensor> modulesToSave, String baseModel) {
        /** Attaches the adapter to {@code encoder} (which must be the one it was read against). */
        public LoraModel attach(Encoder encoder) {
            return LoraModel.withWeights(encoder, config, targets, weights);
        }
    }

    private PeftAdapter() {
    }

    /**
     * Saves {@code lora}'s adapters, and {@code head} (tensors by module-qualified name such as
     * {@code classifier.weight}; may be empty) under {@code modules_to_save}, into {@code dir}, replacing it atomically.
     */
    public static void save(Path dir, LoraModel lora, Map<String, NDArray> head, String taskType) {
        LoraConfig c = lora.config();
        List<HostTensor> tensors = new ArrayList<>();
        lora.trainable().forEach((n, a) -> tensors.add(host(PREFIX + n, a)));
        Set<String> headModules = new LinkedHashSet<>();
        head.forEach((n, a) -> {
            tensors.add(host(PREFIX + n, a));
            headModules.add(n.substring(0, n.lastIndexOf('.')));
        });
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("peft_type", "LORA");
        j.put("task_type", taskType);
        j.put("base_model_name_or_path", lora.encoder().name());
        j.put("r", c.rank());
        j.put("lora_alpha", c.alpha());
        j.put("lora_dropout", c.dropout());
        j.put("target_modules", new ArrayList<>(lora.adapters().keySet()));
        j.put("use_rslora", c.rslora());
        j.put("modules_to_save", headModules.isEmpty() ? null : new ArrayList<>(headModules));
        j.put("bias", "none");
        j.put("fan_in_fan_out", false);
        j.put("init_lora_weights", c.init().peftValue());
        j.put("inference_mode", true);
        j.put("peft_version", PEFT_VERSION);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        lora.adapters().forEach((n, l) -> {
            if (l.rank() != c.rank()) {
                ranks.put(n, l.rank());
            }
        });
        j.put("rank_pattern", ranks);
        j.put("alpha_pattern", Map.of());
        FolderSwap.write(dir, staging -> {
            Safetensors.write(staging.resolve(WEIGHTS), tensors, Dtype.F32);
            AtomicFiles.writeString(staging.resolve(CONFIG), Json.write(j));
        });
    }

    private static HostTensor host(String name, NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return new HostTensor(name, a.getShape().getShape(), f.toFloatArray());
        }
    }

    /**
     * Reads {@code dir} and checks it against {@code encoder}: every tensor name must be a LoRA factor of one of the
     * encoder's Linears or a {@code modules_to_save} tensor; every module {@code target_modules} selects must have
     * both factors; shapes must be A [r, n], B [m, r] with r as the config says. Any mismatch is one line naming the
     * file and tensor.
     */
    public static Loaded read(Path dir, Encoder encoder) {
        Path cfgFile = dir.resolve(CONFIG);
        Path wFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(cfgFile) || !Files.isRegularFile(wFile)) {
            throw new LorankException(dir + ": not a PEFT adapter folder; expected " + CONFIG + " and " + WEIGHTS);
        }
        JsonNode j = Json.readTree(cfgFile);
        String peftType = j.path("peft_type").asText("");
        if (!peftType.equals("LORA")) {
            throw new LorankException(cfgFile + ": peft_type is '" + peftType + "'; only LORA adapters are supported");
        }
        int r = intKey(j, "r", cfgFile);
        double alpha = j.has("lora_alpha") ? j.get("lora_alpha").asDouble() : 8; // PEFT's default
        if (j.path("fan_in_fan_out").asBoolean(false)) {
            throw new LorankException(cfgFile + ": fan_in_fan_out true (GPT-2 Conv1D layout) is not supported");
        }
        if (j.has("alpha_pattern") && j.get("alpha_pattern").size() > 0) {
            throw new LorankException(cfgFile + ": alpha_pattern is not supported yet; use one lora_alpha");
        }
        String bias = j.path("bias").asText("none");
        if (!bias.equals("none")) {
            throw new LorankException(cfgFile + ": bias '" + bias + "' is not supported; expected \"none\"");
        }
        Map<String, Integer> rankPattern = new LinkedHashMap<>();
        j.path("rank_pattern").fields().forEachRemaining(e -> rankPattern.put(e.getKey(), e.getValue().asInt()));
        List<String> toSave = new ArrayList<>();
        j.path("modules_to_save").forEach(n -> toSave.add(n.asText()));
        Map<String, Linear> linears = encoder.linears();
        Map<String, HostTensor> raw = Safetensors.read(wFile);
        Map<String, float[][]> weights = new LinkedHashMap<>();
        Map<String, HostTensor> saved = new LinkedHashMap<>();
        for (HostTensor t : raw.values()) {
            String key = t.name();
            String name = key.startsWith(PREFIX) ? Checkpoint.stripPrefix(key.substring(PREFIX.length())) : null;
            boolean isA = name != null && name.endsWith(".lora_A.weight");
            boolean isB = name != null && name.endsWith(".lora_B.weight");
            if (isA || isB) {
                String module = name.substring(0, name.length() - ".lora_A.weight".length());
                Linear lin = linears.get(module);
                if (lin == null) {
                    throw new LorankException(wFile + ": tensor " + key + " adapts '" + module + "', which is not a "
                            + "Linear of " + encoder.name() + " (e.g. " + linears.keySet().iterator().next() + ")");
                }
                int expectRank = rankFor(module, r, rankPattern);
                long[] want = isA ? new long[] {expectRank, lin.inFeatures()} : new long[] {lin.outFeatures(), expectRank};
                if (!Arrays.equals(t.shape(), want)) {
                    throw new LorankException(wFile + ": " + key + " is " + HostTensor.shapeString(t.shape())
                            + ", expected " + HostTensor.shapeString(want) + " for r = " + expectRank + " on "
                            + module + " [" + lin.outFeatures() + ", " + lin.inFeatures() + "] of " + encoder.name()
                            + "; was the adapter trained on another model?");
                }
                weights.computeIfAbsent(module, k -> new float[2][])[isA ? 0 : 1] = t.data();
            } else if (name != null && toSave.stream().anyMatch(m -> name.startsWith(m + "."))) {
                saved.put(name, t.rename(name));
            } else {
                throw new LorankException(wFile + ": unexpected tensor " + key + "; an adapter holds only "
                        + PREFIX + "<module>.lora_A.weight / lora_B.weight and modules_to_save " + toSave);
            }
        }
        List<LinearTarget> targets = new ArrayList<>();
        JsonNode tm = j.path("target_modules");
        for (LinearTarget t : encoder.targets()) {
            boolean selected = targetModulesMatch(tm, t);
            float[][] ab = weights.get(t.name());
            if (ab != null && !selected) {
                throw new LorankException(wFile + ": holds factors for " + t.name() + ", which target_modules " + tm
                        + " in " + CONFIG + " does not select");
            }
            if (selected) {
                if (ab == null || ab[0] == null || ab[1] == null) {
                    throw new LorankException(wFile + ": tensor " + PREFIX + t.name() + ".lora_"
                            + (ab == null || ab[0] == null ? "A" : "B") + ".weight is missing (target_modules "
                            + tm + " selects " + t.name() + ")");
                }
                targets.add(t);
            }
        }
        if (targets.isEmpty()) {
            throw new LorankException(cfgFile + ": target_modules " + tm + " selects no Linear of " + encoder.name());
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (LinearTarget t : targets) {
            int rt = weights.get(t.name())[0].length / t.in();
            if (rt != r) {
                ranks.put(t.name(), rt);
            }
        }
        String spec = String.join(",", targets.stream().map(LinearTarget::name).toList());
        Object init = j.path("init_lora_weights").isTextual() ? j.get("init_lora_weights").asText() : "true";
        LoraInit li;
        try {
            li = LoraInit.parse(init.toString());
        } catch (LorankException e) {
            li = LoraInit.KAIMING_UNIFORM; // the init does not matter once the weights are trained
        }
        LoraConfig config = new LoraConfig(r, alpha, j.path("use_rslora").asBoolean(false),
                j.path("lora_dropout").asDouble(0), li, spec, ranks);
        config.resolve(encoder.targets());
        return new Loaded(config, List.copyOf(targets), weights, saved, j.path("base_model_name_or_path").asText(""));
    }

    private static int intKey(JsonNode j, String key, Path file) {
        JsonNode n = j.get(key);
        if (n == null || !n.canConvertToInt() || n.asInt() < 1) {
            throw new LorankException(file + ": key " + key + " is " + n + "; expected an integer ≥ 1");
        }
        return n.asInt();
    }

    /** PEFT's rank_pattern lookup: a key matches a module whose name ends with it (at a dot). */
    private static int rankFor(String module, int r, Map<String, Integer> pattern) {
        for (var e : pattern.entrySet()) {
            if (module.equals(e.getKey()) || module.endsWith("." + e.getKey())) {
                return e.getValue();
            }
        }
        return r;
    }

    /** PEFT's target_modules: a list matches by exact name or dotted suffix; a string is a full regex or all-linear. */
    private static boolean targetModulesMatch(JsonNode tm, LinearTarget t) {
        if (tm.isArray()) {
            for (JsonNode n : tm) {
                String s = n.asText();
                if (t.name().equals(s) || t.name().endsWith("." + s)) {
                    return true;
                }
            }
            return false;
        }
        if (tm.isTextual()) {
            return tm.asText().equals("all-linear") ? t.layer() >= 0 : Pattern.matches(tm.asText(), t.name());
        }
        return false;
    }

    /**
     * Writes the encoder's current weights (after {@link LoraModel#mergeIntoBase}) as an HF folder {@code out}:
     * {@code config.json}, {@code model.safetensors} (F32) and {@code tokenizer.json} copied from {@code tokenizer}
     * (nullable), replacing the folder atomically; {@code --model out} loads it.
     */
    public static void exportMerged(Path out, Encoder encoder, TokenizerSource tokenizer) {
        List<HostTensor> tensors = new ArrayList<>();
        encoder.parametersByName().forEach((n, p) -> tensors.add(host(n, p.getArray())));
        FolderSwap.write(out, staging -> {
            AtomicFiles.writeString(staging.resolve("config.json"), Json.write(encoder.config().toJson()));
            Safetensors.write(staging.resolve("model.safetensors"), tensors, Dtype.F32);
            if (tokenizer != null) {
                AtomicFiles.write(staging.resolve("tokenizer.json"), o -> {
                    try (InputStream in = tokenizer.open()) {
                        in.transferTo(o);
                    }
                });
            }
        });
    }
}
