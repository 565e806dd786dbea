package io.lorank.model;

import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random small checkpoints with HF names, written as HF folders by tests. */
public final class TinyCheckpoint {
    private TinyCheckpoint() {
    }

    /** A 2-layer model: vocab 60, d 16, 4 heads, ff 32, 40 positions. */
    public static EncoderConfig config(Architecture a, HiddenAct act) {
        return new EncoderConfig(a, 16, 2, 4, 32, act, 1e-12, 60, 40, a == Architecture.ROBERTA ? 1 : 2,
                a == Architecture.ROBERTA ? 1 : 0);
    }

    /** Tensors of a random model (normal(0, 0.2); LayerNorm γ around 1), plus pooler and an MLM head if asked. */
    public static Map<String, HostTensor> random(EncoderConfig c, long seed, boolean pooler, boolean mlm) {
        Random r = new Random(seed);
        Map<String, HostTensor> t = new LinkedHashMap<>();
        int d = c.hiddenSize();
        add(t, r, "embeddings.word_embeddings.weight", 0, c.vocabSize(), d);
        add(t, r, "embeddings.position_embeddings.weight", 0, c.maxPositionEmbeddings(), d);
        add(t, r, "embeddings.token_type_embeddings.weight", 0, c.typeVocabSize(), d);
        norm(t, r, "embeddings.LayerNorm", d);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String s : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                linear(t, r, p + s, d, d);
            }
            norm(t, r, p + "attention.output.LayerNorm", d);
            linear(t, r, p + "intermediate.dense", d, c.intermediateSize());
            linear(t, r, p + "output.dense", c.intermediateSize(), d);
            norm(t, r, p + "output.LayerNorm", d);
        }
        if (pooler) {
            linear(t, r, "pooler.dense", d, d);
        }
        if (mlm) {
            boolean roberta = c.architecture() == Architecture.ROBERTA;
            String h = roberta ? "lm_head." : "cls.predictions.transform.";
            linear(t, r, h + "dense", d, d);
            norm(t, r, h + (roberta ? "layer_norm" : "LayerNorm"), d);
            add(t, r, (roberta ? "lm_head" : "cls.predictions") + ".bias", 0, c.vocabSize());
        }
        return t;
    }

    /** Writes config.json + model.safetensors, names prefixed with {@code prefix} (e.g. "roberta."). */
    public static void writeFolder(Path dir, EncoderConfig c, Collection<HostTensor> tensors, Dtype dtype,
                                   String prefix) {
        AtomicFiles.writeString(dir.resolve("config.json"), Json.write(c.toJson()));
        List<HostTensor> named = new ArrayList<>();
        for (HostTensor x : tensors) {
            named.add(x.rename(prefix + x.name()));
        }
        Safetensors.write(dir.resolve("model.safetensors"), named, dtype);
    }

    private static void linear(Map<String, HostTensor> t, Random r, String module, int in, int out) {
        add(t, r, module + ".weight", 0, out, in);
        add(t, r, module + ".bias", 0, out);
    }

    private static void norm(Map<String, HostTensor> t, Random r, String module, int d) {
        add(t, r, module + ".weight", 1, d);
        add(t, r, module + ".bias", 0, d);
    }

    private static void add(Map<String, HostTensor> t, Random r, String name, double mean, long... shape) {
        float[] v = new float[(int) HostTensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + 0.2 * r.nextGaussian());
        }
        t.put(name, new HostTensor(name, shape, v));
    }
}
