package io.lorank.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lorank.LorankException;
import io.lorank.head.Backbone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a study config from YAML (or JSON). Keys (snake_case), each optional unless the modes need it:
 * <pre>
 * models: [all-minilm-l6-v2]        tasks: [wordnet-binary]       seeds: [13, 21, 42, 87, 100]
 * modes: [eval, bounds]             heads: [embedding, probe]     ranks: [1, 2, 4, 8]
 * lambda_fractions: [0.1]           shots: 16                     test_cap: 0
 * max_length: 256                   targets: query,value
 * synthetic: {m: 24, n: 24, examples: 16, outputs: 2, planted_rank: 2, loss: ce, inits: 1}
 * linearized: {lora_iterations: 2000, convex_iterations: 300, paper1_rank: false, heads: [embedding]}
 * finetune: {ranks: [1, 8], full: false, steps: 200, lr: 1e-3, batch_size: 8, eval_every: 20, patience: 5,
 *            heads: [embedding]}
 * kernel: {heads: [embedding], solver: lstsq}
 * (a mode block's heads replace the study's heads for that mode; absent: the study's)
 * </pre>
 * An unknown key or a value of the wrong type is a one-line error naming the file, the key and what is allowed.
 */
public final class StudyConfigFile {
    public static final List<String> KEYS = List.of("models", "tasks", "seeds", "ranks", "modes", "heads",
            "lambda_fractions", "shots", "test_cap", "max_length", "targets", "synthetic", "linearized", "finetune", "kernel");
    public static final List<String> LINEARIZED_KEYS = List.of("lora_iterations", "convex_iterations", "paper1_rank", "heads");
    public static final List<String> FINETUNE_KEYS = List.of("ranks", "full", "steps", "lr", "batch_size", "eval_every",
            "patience", "heads");
    public static final List<String> KERNEL_KEYS = List.of("heads", "solver");
    public static final List<String> SYNTHETIC_KEYS = List.of("m", "n", "examples", "outputs", "planted_rank", "loss", "inits");

    private StudyConfigFile() {
    }

    public static StudyConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LorankException(file + ": not found; give a YAML or JSON study config");
        } catch (IOException e) {
            throw new LorankException(file + ": cannot read the study config (" + e.getMessage() + ")");
        }
        return parse(file, text);
    }

    /** A config from YAML text; {@code file} names it in error messages (e.g. an embedded resource). */
    public static StudyConfig parse(Path file, String text) {
        Map<String, Object> root;
        try {
            Object v = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
            if (!(v instanceof Map)) {
                throw new LorankException(file + ": expected a mapping of keys (" + String.join(", ", KEYS) + ")");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            root = m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw io.lorank.util.Json.error(file.toString(), e);
        }
        Reader r = new Reader(file, root, KEYS, "");
        StudyConfig.Synthetic syn = null;
        Reader s = block(file, root, "synthetic", SYNTHETIC_KEYS);
        if (s != null) {
            StudyConfig.Synthetic d = StudyConfig.Synthetic.defaults();
            syn = new StudyConfig.Synthetic(s.integer("m", d.m()), s.integer("n", d.n()),
                    s.integer("examples", d.examples()), s.integer("outputs", d.outputs()),
                    s.integer("planted_rank", d.plantedRank()), s.string("loss", d.loss()), s.integer("inits", d.inits()));
        }
        StudyConfig.Linearized lin = null;
        Reader l = block(file, root, "linearized", LINEARIZED_KEYS);
        if (l != null) {
            StudyConfig.Linearized d = StudyConfig.Linearized.defaults();
            lin = new StudyConfig.Linearized(l.integer("lora_iterations", d.loraIterations()),
                    l.integer("convex_iterations", d.convexIterations()), l.bool("paper1_rank", d.paper1Rank()),
                    l.strings("heads", d.heads()));
        }
        StudyConfig.Finetune ft = null;
        Reader f = block(file, root, "finetune", FINETUNE_KEYS);
        if (f != null) {
            StudyConfig.Finetune d = StudyConfig.Finetune.defaults();
            try {
                ft = new StudyConfig.Finetune(f.integers("ranks", d.ranks()), f.bool("full", d.full()),
                        f.integer("steps", d.steps()), f.number("lr", d.lr()), f.integer("batch_size", d.batchSize()),
                        f.integer("eval_every", d.evalEvery()), f.integer("patience", d.patience()),
                        f.strings("heads", d.heads()));
            } catch (LorankException e) {
                throw new LorankException(file + ": " + e.getMessage(), e);
            }
        }
        StudyConfig.Kernel ker = null;
        Reader k = block(file, root, "kernel", KERNEL_KEYS);
        if (k != null) {
            try {
                ker = new StudyConfig.Kernel(k.strings("heads", List.of()), k.string("solver", "lstsq"));
            } catch (LorankException e) {
                throw new LorankException(file + ": " + e.getMessage(), e);
            }
        }
        try {
            return new StudyConfig(r.strings("models", List.of(io.lorank.model.ModelRegistry.DEFAULT)),
                    r.strings("tasks", null), r.integers("seeds", io.lorank.data.FewShotSampler.DEFAULT_SEEDS),
                    r.integers("ranks", List.of()), r.strings("modes", null), r.strings("heads", List.of()),
                    r.doubles("lambda_fractions", List.of()), r.integer("shots", 16), r.integer("test_cap", 0),
                    r.integer("max_length", Backbone.DEFAULT_MAX_LENGTH), r.string("targets", null), syn, lin, ft, ker);
        } catch (LorankException e) {
            throw new LorankException(file + ": " + e.getMessage(), e);
        }
    }

    /** The mode block {@code key} as a checked mapping, or null when absent. */
    private static Reader block(Path file, Map<String, Object> root, String key, List<String> keys) {
        Object v = root.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new LorankException(file + ": key '" + key + "' must be a mapping of " + String.join(", ", keys));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new Reader(file, m, keys, key + ".");
    }

    /** Typed access to one mapping with key checks. */
    private record Reader(Path file, Map<String, Object> map, List<String> allowed, String prefix) {
        Reader {
            for (String k : map.keySet()) {
                if (!allowed.contains(k)) {
                    throw new LorankException(file + ": unknown key '" + prefix + k + "'; allowed keys: "
                            + String.join(", ", allowed));
                }
            }
        }

        private List<Object> list(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof List<?> l) {
                return new ArrayList<>(l);
            }
            if (v instanceof String s) {
                return new ArrayList<>(List.of((Object[]) s.split(",")));
            }
            return new ArrayList<>(List.of(v));
        }

        List<String> strings(String key, List<String> fallback) {
            List<Object> l = list(key);
            return l == null ? fallback : l.stream().map(o -> o.toString().trim()).toList();
        }

        List<Integer> integers(String key, List<Integer> fallback) {
            List<Object> l = list(key);
            if (l == null) {
                return fallback;
            }
            List<Integer> out = new ArrayList<>();
            for (Object o : l) {
                out.add(toInt(key, o));
            }
            return out;
        }

        List<Double> doubles(String key, List<Double> fallback) {
            List<Object> l = list(key);
            if (l == null) {
                return fallback;
            }
            List<Double> out = new ArrayList<>();
            for (Object o : l) {
                try {
                    out.add(o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString().trim()));
                } catch (NumberFormatException e) {
                    throw new LorankException(file + ": key '" + prefix + key + "': '" + o + "' is not a number");
                }
            }
            return out;
        }

        int integer(String key, int fallback) {
            Object v = map.get(key);
            return v == null ? fallback : toInt(key, v);
        }

        boolean bool(String key, boolean fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new LorankException(file + ": key '" + prefix + key + "': '" + v + "' is not a boolean; allowed: true, false");
        }

        double number(String key, double fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            try {
                return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new LorankException(file + ": key '" + prefix + key + "': '" + v + "' is not a number");
            }
        }

        String string(String key, String fallback) {
            Object v = map.get(key);
            return v == null ? fallback : v.toString().trim();
        }

        private int toInt(String key, Object o) {
            if (o instanceof Integer i) {
                return i;
            }
            try {
                return Integer.parseInt(o.toString().trim());
            } catch (NumberFormatException e) {
                throw new LorankException(file + ": key '" + prefix + key + "': '" + o + "' is not an integer");
            }
        }
    }
}
