package io.lorank.lora;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.Lorank;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.LinearTarget;
import io.lorank.model.Checkpoint;
import io.lorank.model.Dtype;
import io.lorank.model.HostTensor;
import io.lorank.model.Safetensors;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A LoRA adapter folder in Hugging Face PEFT's format, readable by {@code PeftModel.from_pretrained} with no
 * conversion (layout read from {@code peft/utils/save_and_load.py} and {@code tuners/lora/config.py}):
 * <ul>
 *   <li>{@code adapter_config.json}: {@code peft_type "LORA"}, {@code task_type}, {@code r}, {@code lora_alpha},
 *       {@code lora_dropout}, {@code target_modules} (full module names), {@code use_rslora}, {@code modules_to_save},
 *       {@code base_model_name_or_path}, {@code bias "none"}, {@code fan_in_fan_out false}, {@code init_lora_weights},
 *       {@code inference_mode}, {@code peft_version}, {@code rank_pattern}, {@code alpha_pattern};</li>
 *   <li>{@code adapter_model.safetensors} (metadata {@code {"format": "pt"}}):
 *       {@code base_model.model.<module>.lora_A.weight} [r, n] and {@code .lora_B.weight} [m, r], and the trainable
 *       head under its module name ({@code base_model.model.classifier.weight} [C, d], {@code .bias} [C]), the
 *       adapter name ({@code default}) and {@code modules_to_save.default} removed as PEFT does;</li>
 *   <li>{@code lorank_adapter.json}: what lorank needs to rebuild the classifier (task, head); PEFT ignores it.</li>
 * </ul>
 * Saving is atomic for the folder: both files are written into a hidden sibling folder that replaces the old one
 * only once complete, so an interrupted save leaves the previous adapter intact.
 */
public final class PeftAdapter {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String LORANK = "lorank_adapter.json";
    /**
     * The PEFT version whose layout these files follow: 0.18.0 is the first release with a {@code peft_version}
     * config field, and every key written here is a field of its {@code LoraConfig}/{@code PeftConfig} (checked
     * against the v0.18.0 sources). PEFT 0.14-0.17 drop the unknown {@code peft_version} with a warning; 0.13 and
     * older reject it (they have no filter for unknown keys).
     */
    public static final String PEFT_VERSION = "0.18.0";
    /** Every key {@code adapter_config.json} holds; all are PEFT 0.18.0 LoraConfig / PeftConfig fields. */
    public static final java.util.SortedSet<String> CONFIG_KEYS = new java.util.TreeSet<>(List.of("alpha_pattern",
            "auto_mapping", "base_model_name_or_path", "bias", "fan_in_fan_out", "inference_mode", "init_lora_weights",
            "layers_pattern", "layers_to_transform", "lora_alpha", "lora_dropout", "modules_to_save", "peft_type",
            "peft_version", "r", "rank_pattern", "revision", "target_modules", "task_type", "use_dora", "use_rslora"));
    static final String PREFIX = "base_model.model.";
    /** The module name of the trainable head in the files (HF's {@code *ForSequenceClassification} name). */
    public static final String HEAD_MODULE = "classifier";

    /**
     * An adapter as read from (or about to be written to) a folder.
     *
     * @param config    the LoRA settings (targets as the full module names of the file)
     * @param factors   module → {A [r, n], B [m, r]} named {@code <module>.lora_A.weight} / {@code .lora_B.weight}
     * @param head      the head's tensors by file-relative name ({@code classifier.weight}, {@code classifier.bias}); may be empty
     * @param baseModel {@code base_model_name_or_path}
     * @param lorank    lorank's own metadata (task, head kind, ...); empty for a foreign PEFT adapter
     */
    public record Contents(LoraConfig config, Map<String, HostTensor[]> factors, Map<String, HostTensor> head,
                           String baseModel, Map<String, Object> lorank) {
    }

    private PeftAdapter() {
    }

    /** Saves {@code model}'s adapter (factors relative to the original W0) and {@code head} into {@code dir}. */
    public static void save(Path dir, LoraModel model, Map<String, HostTensor> head, String baseModel,
                            Map<String, Object> lorank) {
        save(dir, contentsOf(model, head, baseModel, lorank), () -> { });
    }

    /** What {@link #save} writes for {@code model}: PiSSA adapters converted to plain LoRA of rank 2r. */
    public static Contents contentsOf(LoraModel model, Map<String, HostTensor> head, String baseModel,
                                      Map<String, Object> lorank) {
        LoraConfig c = model.config();
        Map<String, Integer> pattern = new LinkedHashMap<>();
        boolean pissa = c.init() == LoraInit.PISSA;
        for (LoraLinear l : model.adapters().values()) {
            if (l.rank() != c.rank()) {
                pattern.put(l.target().name(), model.savedRank(l.target().name()));
            }
        }
        int r = pissa ? 2 * c.rank() : c.rank();
        // PiSSA's conversion doubles r; alpha follows so that the scaling alpha/r (alpha/√r) stays the same
        double alpha = pissa ? c.alpha() * (c.rslora() ? Math.sqrt(2) : 2) : c.alpha();
        List<String> names = new ArrayList<>(model.adapters().keySet());
        LoraConfig saved = new LoraConfig(r, alpha, c.rslora(), c.dropout(),
                pissa ? LoraInit.KAIMING_UNIFORM : c.init(), String.join(",", names), pattern);
        Map<String, HostTensor[]> factors = new LinkedHashMap<>();
        model.savedFactors().forEach((module, ab) -> {
            LoraLinear l = model.adapters().get(module);
            int rr = model.savedRank(module);
            factors.put(module, new HostTensor[] {
                new HostTensor(module + ".lora_A.weight", new long[] {rr, l.target().in()}, ab[0]),
                new HostTensor(module + ".lora_B.weight", new long[] {l.target().out(), rr}, ab[1])});
        });
        return new Contents(saved, factors, head, baseModel, lorank);
    }

    /** Writes {@code contents}; {@code beforeCommit} runs once the new files are complete (tests interrupt there). */
    static void save(Path dir, Contents contents, Runnable beforeCommit) {
        FolderSwap.write(dir, tmp -> {
            List<HostTensor> tensors = new ArrayList<>();
            contents.factors().values().forEach(ab -> {
                tensors.add(ab[0].rename(PREFIX + ab[0].name()));
                tensors.add(ab[1].rename(PREFIX + ab[1].name()));
            });
            contents.head().values().forEach(t -> tensors.add(t.rename(PREFIX + t.name())));
            Safetensors.write(tmp.resolve(WEIGHTS), tensors, Dtype.F32);
            AtomicFiles.writeString(tmp.resolve(CONFIG), Json.write(configJson(contents)) + "\n");
            Map<String, Object> meta = new LinkedHashMap<>(contents.lorank());
            meta.putIfAbsent("lorank_version", Lorank.VERSION);
            AtomicFiles.writeString(tmp.resolve(LORANK), Json.write(meta) + "\n");
            beforeCommit.run();
        });
    }

    private static Map<String, Object> configJson(Contents c) {
        LoraConfig lc = c.config();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("alpha_pattern", Map.of());
        j.put("auto_mapping", null);
        j.put("base_model_name_or_path", c.baseModel());
        j.put("bias", "none");
        j.put("fan_in_fan_out", false);
        j.put("inference_mode", true);
        j.put("init_lora_weights", lc.init().peftValue());
        j.put("layers_pattern", null);
        j.put("layers_to_transform", null);
        j.put("lora_alpha", lc.alpha() == Math.rint(lc.alpha()) ? (Object) (long) lc.alpha() : lc.alpha());
        j.put("lora_dropout", lc.dropout());
        // PEFT: "modules apart from LoRA layers to be set as trainable and saved": the trained probe head only; a
        // fixed prompt head has nothing trainable, so null (and task_type FEATURE_EXTRACTION: the base model's hidden
        // states, which lorank's fixed readout turns into logits)
        j.put("modules_to_save", c.head().isEmpty() ? null : List.of(HEAD_MODULE));
        j.put("peft_type", "LORA");
        j.put("peft_version", PEFT_VERSION);
        j.put("r", lc.rank());
        j.put("rank_pattern", new LinkedHashMap<>(lc.rankPattern()));
        j.put("revision", null);
        j.put("target_modules", List.of(lc.targets().split(",")));
        j.put("task_type", c.head().isEmpty() ? "FEATURE_EXTRACTION" : "SEQ_CLS");
        j.put("use_dora", false);
        j.put("use_rslora", lc.rslora());
        return j;
    }

    /** Reads a folder written by lorank or by PEFT (names as above); nothing is checked against a model yet. */
    public static Contents read(Path dir) {
        Path cfgFile = dir.resolve(CONFIG);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(cfgFile) || !Files.isRegularFile(weights)) {
            throw new LorankException(dir + ": not an adapter folder (needs " + CONFIG + " and " + WEIGHTS
                    + "); pass the adapter/ folder lorank finetune wrote");
        }
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(cfgFile.toFile());
        } catch (IOException e) {
            throw new LorankException(cfgFile + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
        String type = j.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new LorankException(cfgFile + ": peft_type is '" + type + "', expected LORA");
        }
        for (String k : List.of("r", "lora_alpha", "target_modules")) {
            if (!j.hasNonNull(k)) {
                throw new LorankException(cfgFile + ": key " + k + " is missing; is this a PEFT LoRA config?");
            }
        }
        if (j.path("fan_in_fan_out").asBoolean(false)) {
            throw new LorankException(cfgFile + ": fan_in_fan_out is true (GPT-2 Conv1D layout); BERT-family "
                    + "Linear adapters need false");
        }
        if (j.has("alpha_pattern") && j.get("alpha_pattern").size() > 0) {
            throw new LorankException(cfgFile + ": alpha_pattern " + j.get("alpha_pattern")
                    + " is not supported; give every target the same lora_alpha");
        }
        if (!j.path("bias").asText("none").equals("none")) {
            throw new LorankException(cfgFile + ": bias is '" + j.get("bias").asText() + "', only 'none' is supported");
        }
        JsonNode tm = j.get("target_modules");
        String targets;
        if (tm.isArray()) {
            List<String> names = new ArrayList<>();
            tm.forEach(n -> names.add(n.asText()));
            targets = String.join(",", names);
        } else {
            targets = tm.asText();
            if (!targets.equals("all-linear")) {
                throw new LorankException(cfgFile + ": target_modules is the pattern '" + targets
                        + "'; lorank reads a list of module names (or all-linear)");
            }
        }
        Map<String, Integer> pattern = new LinkedHashMap<>();
        j.path("rank_pattern").fields().forEachRemaining(e -> pattern.put(e.getKey(), e.getValue().asInt()));
        JsonNode init = j.path("init_lora_weights");
        LoraInit li = init.isTextual() ? LoraInit.parse(init.asText()) : LoraInit.KAIMING_UNIFORM;
        LoraConfig config;
        try {
            config = new LoraConfig(j.get("r").asInt(), j.get("lora_alpha").asDouble(),
                    j.path("use_rslora").asBoolean(false), j.path("lora_dropout").asDouble(0), li, targets, pattern);
        } catch (LorankException e) { // name the file and its key, not the finetune flag
            throw new LorankException(cfgFile + ": " + e.getMessage().replaceFirst("^--rank: ", "r: ")
                    .replaceFirst("^--alpha: ", "lora_alpha: ").replaceFirst("^--dropout: ", "lora_dropout: "));
        }
        Set<String> toSave = new HashSet<>();
        j.path("modules_to_save").forEach(n -> toSave.add(n.asText()));

        Map<String, HostTensor> tensors = Safetensors.read(weights);
        Map<String, HostTensor[]> factors = new LinkedHashMap<>();
        Map<String, HostTensor> head = new LinkedHashMap<>();
        for (HostTensor t : tensors.values()) {
            if (!t.name().startsWith(PREFIX)) {
                throw new LorankException(weights + ": tensor " + t.name() + " does not start with " + PREFIX
                        + "; is this a PEFT adapter?");
            }
            String rest = Checkpoint.stripPrefix(t.name().substring(PREFIX.length()));
            String module = toSave.stream().filter(m -> rest.startsWith(m + ".")).findFirst().orElse(null);
            if (module != null) {
                head.put(rest, t.rename(rest));
                continue;
            }
            int side = rest.endsWith(".lora_A.weight") ? 0 : rest.endsWith(".lora_B.weight") ? 1 : -1;
            if (side < 0 || t.shape().length != 2) {
                throw new LorankException(weights + ": unexpected tensor " + t.name() + " "
                        + HostTensor.shapeString(t.shape()) + "; an adapter holds <module>.lora_A.weight, "
                        + "<module>.lora_B.weight and the modules_to_save " + toSave);
            }
            String name = rest.substring(0, rest.length() - ".lora_A.weight".length());
            factors.computeIfAbsent(name, k -> new HostTensor[2])[side] = t.rename(rest);
        }
        factors.forEach((name, s) -> {
            if (s[0] == null || s[1] == null) {
                throw new LorankException(weights + ": " + name + " has " + (s[0] == null ? "lora_B" : "lora_A")
                        + " but no " + (s[0] == null ? "lora_A" : "lora_B") + ".weight; the file is incomplete");
            }
        });
        Map<String, Object> lorank = new LinkedHashMap<>();
        Path meta = dir.resolve(LORANK);
        if (Files.isRegularFile(meta)) {
            try {
                lorank.putAll(Json.MAPPER.readValue(meta.toFile(), Map.class));
            } catch (IOException e) {
                throw new LorankException(meta + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
            }
        }
        return new Contents(config, factors, head, j.path("base_model_name_or_path").asText(null), lorank);
    }

    /**
     * Attaches a read adapter to {@code encoder}: every target of its config must have exactly its A [r, n] and
     * B [m, r] (missing, leftover and misshapen tensors are named), then the adapters are injected.
     */
    public static LoraModel attach(Encoder encoder, Contents c, Path dir) {
        String where = dir.resolve(WEIGHTS).toString();
        List<LinearTarget> targets;
        try {
            targets = c.config().resolve(encoder.targets());
        } catch (LorankException e) {
            throw new LorankException(dir.resolve(CONFIG) + ": " + e.getMessage().replaceFirst("^--targets: ",
                    "target_modules: ").replaceFirst("^--rank: ", "r: "));
        }
        Set<String> expected = new HashSet<>();
        for (LinearTarget t : targets) {
            expected.add(t.name());
            HostTensor[] ab = c.factors().get(t.name());
            if (ab == null) {
                throw new LorankException(where + ": " + PREFIX + t.name() + ".lora_A.weight is missing (target_modules "
                        + "selects it); was the adapter trained on this model?");
            }
            int r = c.config().rankOf(t);
            checkShape(where, ab[0], r, t.in(), encoder);
            checkShape(where, ab[1], t.out(), r, encoder);
        }
        for (String name : c.factors().keySet()) {
            if (!expected.contains(name)) {
                throw new LorankException(where + ": leftover tensor " + PREFIX + name + ".lora_A.weight: "
                        + (encoder.linears().containsKey(name) ? "not among target_modules" : "no such Linear in "
                        + encoder.name()) + "; was the adapter trained on this model?");
            }
        }
        Map<String, float[][]> f = new LinkedHashMap<>();
        c.factors().forEach((name, ab) -> f.put(name, new float[][] {ab[0].data(), ab[1].data()}));
        return LoraModel.of(encoder, c.config(), f);
    }

    private static void checkShape(String where, HostTensor t, int rows, int cols, Encoder enc) {
        long[] s = t.shape();
        if (s.length != 2 || s[0] != rows || s[1] != cols) {
            throw new LorankException(where + ": " + PREFIX + t.name() + " is " + HostTensor.shapeString(s)
                    + ", expected [" + rows + ", " + cols + "] for " + enc.name()
                    + "; was the adapter trained on this model (and this rank)?");
        }
    }
}
