package io.lorank.lora;

import com.fasterxml.jackson.databind.JsonNode;
import ai.djl.ndarray.types.DataType;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.model.Checkpoint;
import io.lorank.model.Dtype;
import io.lorank.model.HostTensor;
import io.lorank.model.ModelSource;
import io.lorank.model.Safetensors;
import io.lorank.text.TokenBatch;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEFT adapter folders: round trip, PEFT's names/shapes/keys, a hand-written PEFT fixture, errors, atomicity, export. */
class PeftAdapterTest {
    @TempDir
    Path dir;

    private static Map<String, HostTensor> head() {
        return Map.of("classifier.weight", new HostTensor("classifier.weight", new long[] {2, 16}, new float[32]),
                "classifier.bias", new HostTensor("classifier.bias", new long[] {2}, new float[] {0.5f, -0.5f}));
    }

    @Test
    void saveLoadRoundTripsExactlyWithTheSamePredictions() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 1);
        TokenBatch b = LoraTestSupport.batch(ck);
        Path ad = dir.resolve("adapter");
        double[] trained;
        Map<String, float[][]> saved;
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(3), 2)) {
            LoraTestSupport.randomizeB(lm, 3);
            trained = LoraTestSupport.hidden(enc, b);
            saved = lm.savedFactors();
            PeftAdapter.save(ad, lm, head(), "tiny", Map.of("task", "SST-2"));
        }
        PeftAdapter.Contents c = PeftAdapter.read(ad);
        assertEquals(Map.of("task", "SST-2", "lorank_version", io.lorank.Lorank.VERSION), c.lorank());
        assertArrayEquals(new float[] {0.5f, -0.5f}, c.head().get("classifier.bias").data());
        try (Encoder enc = Encoder.load(ck); LoraModel lm = PeftAdapter.attach(enc, c, ad)) {
            lm.savedFactors().forEach((k, ab) -> {
                assertArrayEquals(saved.get(k)[0], ab[0], k + " A");
                assertArrayEquals(saved.get(k)[1], ab[1], k + " B");
            });
            assertEquals(0.0, LoraTestSupport.maxAbsDiff(trained, LoraTestSupport.hidden(enc, b)),
                    "a reloaded adapter must give bit-identical outputs");
        }
    }

    /**
     * The config holds exactly {@link PeftAdapter#CONFIG_KEYS} (each checked by hand against PEFT v0.18.0's
     * {@code tuners/lora/config.py} and {@code config.py}), with {@code peft_version} 0.18.0; an adapter with a fixed
     * head (nothing trainable besides LoRA) has {@code modules_to_save} null and task_type FEATURE_EXTRACTION.
     */
    @Test
    void configKeysArePeftFieldsAndAFixedHeadSavesNoModules() throws IOException {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 1);
        Path ad = dir.resolve("adapter");
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(2), 2)) {
            PeftAdapter.save(ad, lm, Map.of(), "tiny", Map.of());
        }
        JsonNode cfg = Json.MAPPER.readTree(ad.resolve("adapter_config.json").toFile());
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        cfg.fieldNames().forEachRemaining(keys::add);
        assertEquals(PeftAdapter.CONFIG_KEYS, keys);
        assertEquals("0.18.0", cfg.get("peft_version").asText());
        assertTrue(cfg.get("modules_to_save").isNull(), "a fixed head: nothing to save besides LoRA");
        assertEquals("FEATURE_EXTRACTION", cfg.get("task_type").asText());
        byte[] bytes = Files.readAllBytes(ad.resolve("adapter_model.safetensors"));
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode h = Json.MAPPER.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        h.fieldNames().forEachRemaining(k -> assertTrue(k.equals("__metadata__") || k.contains(".lora_"),
                "only LoRA tensors without a trainable head: " + k));
    }

    @Test
    void filesCarryPeftNamesShapesAndKeys() throws IOException {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 1);
        Path ad = dir.resolve("adapter");
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(3), 2)) {
            PeftAdapter.save(ad, lm, head(), "sentence-transformers/all-MiniLM-L6-v2", Map.of());
        }
        JsonNode cfg = Json.MAPPER.readTree(ad.resolve("adapter_config.json").toFile());
        for (String k : List.of("peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules",
                "use_rslora", "modules_to_save", "base_model_name_or_path", "bias", "fan_in_fan_out",
                "init_lora_weights", "inference_mode", "peft_version", "rank_pattern", "alpha_pattern")) {
            assertTrue(cfg.has(k), "adapter_config.json lacks " + k);
        }
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("SEQ_CLS", cfg.get("task_type").asText());
        assertEquals(3, cfg.get("r").asInt());
        assertEquals(16, cfg.get("lora_alpha").asInt());
        assertTrue(cfg.get("init_lora_weights").asBoolean());
        assertFalse(cfg.get("fan_in_fan_out").asBoolean());
        assertEquals("classifier", cfg.get("modules_to_save").get(0).asText());
        assertEquals("encoder.layer.0.attention.self.query", cfg.get("target_modules").get(0).asText());
        // the raw safetensors header: names, shapes, metadata
        byte[] bytes = Files.readAllBytes(ad.resolve("adapter_model.safetensors"));
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode h = Json.MAPPER.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals("pt", h.get("__metadata__").get("format").asText());
        JsonNode a = h.get("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight");
        JsonNode bb = h.get("base_model.model.encoder.layer.1.attention.self.value.lora_B.weight");
        assertEquals("[3,16]", a.get("shape").toString(), "lora_A is [r, in]");
        assertEquals("[16,3]", bb.get("shape").toString(), "lora_B is [out, r]");
        assertEquals("F32", a.get("dtype").asText());
        assertTrue(h.has("base_model.model.classifier.weight") && h.has("base_model.model.classifier.bias"));
        assertEquals(1 + 8 + 2, h.size(), "metadata + 2 layers × {query, value} × {A, B} + the head's 2 tensors");
    }

    /** PEFT's layout written by hand: BertForSequenceClassification names (base_model.model.bert.…), suffix targets. */
    @Test
    void aHandWrittenPeftFixtureLoadsAndActsAsW0PlusScaledBA() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 4);
        TokenBatch b = LoraTestSupport.batch(ck);
        Path ad = dir.resolve("peft");
        Random rnd = new Random(8);
        int r = 2;
        double alpha = 4; // scaling 2
        List<HostTensor> t = new ArrayList<>();
        Map<String, float[][]> f = new LinkedHashMap<>();
        for (int l = 0; l < 2; l++) {
            for (String mod : List.of("query", "value")) {
                String name = "encoder.layer." + l + ".attention.self." + mod;
                float[] av = new float[r * 16];
                float[] bv = new float[16 * r];
                for (int i = 0; i < av.length; i++) {
                    av[i] = (float) rnd.nextGaussian();
                    bv[i] = (float) (0.1 * rnd.nextGaussian());
                }
                f.put(name, new float[][] {av, bv});
                t.add(new HostTensor("base_model.model.bert." + name + ".lora_A.weight", new long[] {r, 16}, av));
                t.add(new HostTensor("base_model.model.bert." + name + ".lora_B.weight", new long[] {16, r}, bv));
            }
        }
        Safetensors.write(ad.resolve("adapter_model.safetensors"), t, Dtype.F32);
        AtomicFiles.writeString(ad.resolve("adapter_config.json"), """
                {"alpha_pattern": {}, "base_model_name_or_path": "tiny", "bias": "none", "fan_in_fan_out": false,
                 "inference_mode": true, "init_lora_weights": true, "lora_alpha": 4, "lora_dropout": 0.1,
                 "modules_to_save": null, "peft_type": "LORA", "peft_version": "0.13.2", "r": 2,
                 "rank_pattern": {}, "target_modules": ["query", "value"], "task_type": "FEATURE_EXTRACTION",
                 "use_rslora": false}
                """);
        double[] expected;
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64)) {
            // W ← W0 + 2 · B A by hand, in fp64
            f.forEach((name, ab) -> {
                var w = enc.parameter(name + ".weight");
                double[] wv = w.toDoubleArray();
                for (int i = 0; i < 16; i++) {
                    for (int j = 0; j < 16; j++) {
                        double s = 0;
                        for (int k = 0; k < r; k++) {
                            s += (double) ab[1][i * r + k] * ab[0][k * 16 + j];
                        }
                        wv[i * 16 + j] += alpha / r * s;
                    }
                }
                w.set(java.nio.DoubleBuffer.wrap(wv));
            });
            expected = LoraTestSupport.hidden(enc, b);
        }
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64);
             LoraModel lm = PeftAdapter.attach(enc, PeftAdapter.read(ad), ad)) {
            assertEquals(4, lm.adapters().size());
            assertEquals(0.1, lm.config().dropout(), 0.0);
            double d = LoraTestSupport.maxAbsDiff(expected, LoraTestSupport.hidden(enc, b));
            assertTrue(d <= 1e-10, "PEFT fixture vs hand-merged weights: " + d + " (fp64, tolerance 1e-10)");
        }
    }

    @Test
    void missingLeftoverMisshapenAndCorruptAdaptersAreNamed() throws IOException {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 1);
        Path ad = dir.resolve("adapter");
        PeftAdapter.Contents good;
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(3), 2)) {
            good = PeftAdapter.contentsOf(lm, Map.of(), "tiny", Map.of());
        }
        try (Encoder enc = Encoder.load(ck)) {
            // a model of another rank-3 width: the tiny model with d 16 vs an adapter claiming r 4
            LoraConfig wrongRank = good.config().withRank(4);
            var bad = new PeftAdapter.Contents(wrongRank, good.factors(), Map.of(), "tiny", Map.of());
            LorankException shape = assertThrows(LorankException.class, () -> PeftAdapter.attach(enc, bad, ad));
            assertTrue(shape.getMessage().contains("encoder.layer.0.attention.self.query.lora_A.weight is [3, 16], "
                    + "expected [4, 16]"), shape.getMessage());
            Map<String, HostTensor[]> fewer = new LinkedHashMap<>(good.factors());
            fewer.remove("encoder.layer.1.attention.self.value");
            var missing = new PeftAdapter.Contents(good.config(), fewer, Map.of(), "tiny", Map.of());
            LorankException miss = assertThrows(LorankException.class, () -> PeftAdapter.attach(enc, missing, ad));
            assertTrue(miss.getMessage().contains("encoder.layer.1.attention.self.value.lora_A.weight is missing"),
                    miss.getMessage());
            var onlyQuery = new PeftAdapter.Contents(good.config().withTargets("query"), good.factors(), Map.of(),
                    "tiny", Map.of());
            LorankException left = assertThrows(LorankException.class, () -> PeftAdapter.attach(enc, onlyQuery, ad));
            assertTrue(left.getMessage().contains("leftover tensor base_model.model.encoder.layer.0.attention.self"
                    + ".value.lora_A.weight"), left.getMessage());
        }
        PeftAdapter.save(ad, good, () -> { });
        Files.write(ad.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
        LorankException corrupt = assertThrows(LorankException.class, () -> PeftAdapter.read(ad));
        assertTrue(corrupt.getMessage().contains("adapter_model.safetensors"), corrupt.getMessage());
        assertFalse(corrupt.getMessage().contains("\n"), "one line");
    }

    @Test
    void anInterruptedSaveLeavesThePreviousAdapterIntact() throws IOException {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 1);
        Path ad = dir.resolve("adapter");
        PeftAdapter.Contents first;
        PeftAdapter.Contents second;
        try (Encoder enc = Encoder.load(ck)) {
            try (LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(3), 2)) {
                first = PeftAdapter.contentsOf(lm, Map.of(), "tiny", Map.of());
            }
            try (LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(5), 2)) {
                second = PeftAdapter.contentsOf(lm, Map.of(), "tiny", Map.of());
            }
        }
        PeftAdapter.save(ad, first, () -> { });
        byte[] before = Files.readAllBytes(ad.resolve("adapter_model.safetensors"));
        assertThrows(IllegalStateException.class, () -> PeftAdapter.save(ad, second, () -> {
            throw new IllegalStateException("killed mid-save");
        }));
        assertArrayEquals(before, Files.readAllBytes(ad.resolve("adapter_model.safetensors")));
        assertEquals(3, PeftAdapter.read(ad).config().rank());
        try (var s = Files.list(dir)) {
            Set<String> names = new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
            assertEquals(Set.of("m", "adapter"), names, "no partial folder left behind");
        }
    }

    @Test
    void pissaAdaptersAreSavedAsPlainLoraOfRank2rOverW0() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 6);
        TokenBatch b = LoraTestSupport.batch(ck);
        Path ad = dir.resolve("adapter");
        double[] trained;
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64);
             LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(2).withInit(LoraInit.PISSA), 1)) {
            LoraTestSupport.randomizeB(lm, 7); // "training" moved B away from its PiSSA start
            trained = LoraTestSupport.hidden(enc, b);
            PeftAdapter.save(ad, lm, Map.of(), "tiny", Map.of());
        }
        PeftAdapter.Contents c = PeftAdapter.read(ad);
        assertEquals(4, c.config().rank());
        assertEquals(32, c.config().alpha(), 0.0, "alpha doubles with r: the scaling 16/2 = 32/4 is kept");
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64); LoraModel lm = PeftAdapter.attach(enc, c, ad)) {
            double d = LoraTestSupport.maxAbsDiff(trained, LoraTestSupport.hidden(enc, b));
            // the file stores the factors in fp32 (relative rounding 6e-8), the models run in fp64
            assertTrue(d <= 1e-6, "converted PiSSA adapter on W0 vs trained PiSSA model: " + d);
        }
    }

    @Test
    void exportedMergedFolderLoadsWithTheSameOutputs() throws IOException {
        Checkpoint ck = LoraTestSupport.tinyBert(dir.resolve("m"), 2);
        TokenBatch b = LoraTestSupport.batch(ck);
        Path out = dir.resolve("merged");
        double[] lora;
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(2)
                .withTargets("all-linear"), 5)) {
            LoraTestSupport.randomizeB(lm, 6);
            lora = LoraTestSupport.hidden(enc, b);
            lm.merge();
            MergedExport.write(out, enc, ck.tokenizer());
        }
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Checkpoint back = ModelSource.load(out.toString()); // what --model does with a folder
        try (Encoder enc = Encoder.load(back)) {
            double d = LoraTestSupport.maxAbsDiff(lora, LoraTestSupport.hidden(enc, LoraTestSupport.batch(back)));
            assertTrue(d <= 1e-5, "exported merged model vs LoRA model: " + d + " (fp32, tolerance 1e-5)");
        }
    }
}
