package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.engine.Engines;
import io.lorank.model.Dtype;
import io.lorank.model.HostTensor;
import io.lorank.model.ModelSource;
import io.lorank.model.Safetensors;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.lorank.lora.LoraModelTest.pooled;
import static io.lorank.lora.LoraModelTest.randomize;
import static io.lorank.lora.LoraModelTest.tiny;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEFT-format adapters: exact round trip, PEFT's names/shapes/keys, a hand-written PEFT fixture, errors, export. */
class PeftAdapterTest {
    @TempDir
    Path tmp;

    private static Map<String, NDArray> head(NDManager m) {
        Map<String, NDArray> h = new LinkedHashMap<>();
        h.put("classifier.weight", m.randomNormal(new Shape(2, 16)));
        h.put("classifier.bias", m.randomNormal(new Shape(2)));
        return h;
    }

    @Test
    void roundTripIsExactAndCarriesPeftNamesShapesAndKeys() throws IOException {
        Path dir = tmp.resolve("adapter");
        double[] saved;
        Map<String, float[]> values = new LinkedHashMap<>();
        try (Encoder enc = Encoder.load(tiny());
             LoraModel lm = LoraModel.inject(enc, new LoraConfig(3, 6, false, 0.1, LoraInit.KAIMING_UNIFORM,
                     "query,value", Map.of("encoder.layer.1.attention.self.query", 2)), 2);
             NDManager m = Engines.newManager()) {
            randomize(lm, 8);
            saved = pooled(enc);
            lm.trainable().forEach((n, a) -> values.put(n, a.toFloatArray()));
            PeftAdapter.save(dir, lm, head(m), "FEATURE_EXTRACTION");
            PeftAdapter.save(dir, lm, head(m), "FEATURE_EXTRACTION"); // replacing an adapter leaves no staging folder
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("adapter"), s.map(p -> p.getFileName().toString()).toList());
        }
        JsonNode c = Json.readTree(dir.resolve(PeftAdapter.CONFIG));
        for (String k : List.of("peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules",
                "use_rslora", "modules_to_save", "base_model_name_or_path", "bias", "fan_in_fan_out",
                "init_lora_weights", "inference_mode", "peft_version", "rank_pattern", "alpha_pattern")) {
            assertTrue(c.has(k), "adapter_config.json lacks PEFT key " + k);
        }
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals(3, c.get("r").asInt());
        assertEquals(2, c.get("rank_pattern").get("encoder.layer.1.attention.self.query").asInt());
        assertTrue(c.get("init_lora_weights").asBoolean() && !c.get("fan_in_fan_out").asBoolean());
        assertEquals("classifier", c.get("modules_to_save").get(0).asText());
        // header: metadata {"format": "pt"}, names and shapes as PEFT writes them
        byte[] b = Files.readAllBytes(dir.resolve(PeftAdapter.WEIGHTS));
        long len = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode h = Json.MAPPER.readTree(new String(b, 8, (int) len, StandardCharsets.UTF_8));
        assertEquals("pt", h.get("__metadata__").get("format").asText());
        Set<String> names = new TreeSet<>();
        h.fieldNames().forEachRemaining(names::add);
        names.remove("__metadata__");
        Set<String> want = new TreeSet<>(List.of("base_model.model.classifier.weight", "base_model.model.classifier.bias"));
        for (int l = 0; l < 2; l++) {
            for (String t : List.of("query", "value")) {
                String p = "base_model.model.encoder.layer." + l + ".attention.self." + t;
                want.add(p + ".lora_A.weight");
                want.add(p + ".lora_B.weight");
            }
        }
        assertEquals(want, names);
        assertEquals("[2,16]", h.get("base_model.model.encoder.layer.1.attention.self.query.lora_A.weight")
                .get("shape").toString(), "lora_A is [r, in]");
        assertEquals("[16,3]", h.get("base_model.model.encoder.layer.0.attention.self.value.lora_B.weight")
                .get("shape").toString(), "lora_B is [out, r]");
        try (Encoder enc = Encoder.load(tiny())) {
            PeftAdapter.Loaded a = PeftAdapter.read(dir, enc);
            assertEquals(Set.of("classifier.weight", "classifier.bias"), a.modulesToSave().keySet());
            try (LoraModel lm = a.attach(enc)) {
                lm.trainable().forEach((n, x) -> assertArrayEquals(values.get(n), x.toFloatArray(), 0f, n));
                assertArrayEquals(saved, pooled(enc), 0.0, "same predictions after load");
                assertEquals(2, lm.adapters().get("encoder.layer.1.attention.self.query").rank());
            }
        }
    }

    /** Writes an adapter the way PEFT's save_pretrained lays it out (suffix target_modules, BertModel names). */
    private static Map<String, float[][]> writePeftFixture(Path dir, Map<String, Object> overrides) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("alpha_pattern", Map.of());
        c.put("auto_mapping", null);
        c.put("base_model_name_or_path", "tiny");
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.put("layers_pattern", null);
        c.put("layers_to_transform", null);
        c.put("lora_alpha", 4);
        c.put("lora_dropout", 0.05);
        c.put("modules_to_save", null);
        c.put("peft_type", "LORA");
        c.put("r", 2);
        c.put("rank_pattern", Map.of());
        c.put("revision", null);
        c.put("target_modules", List.of("value", "query"));
        c.put("task_type", "FEATURE_EXTRACTION");
        c.put("use_rslora", false);
        c.putAll(overrides);
        AtomicFiles.writeString(dir.resolve("adapter_config.json"), Json.write(c));
        Random r = new Random(1);
        List<HostTensor> t = new ArrayList<>();
        Map<String, float[][]> ab = new LinkedHashMap<>();
        for (int l = 0; l < 2; l++) {
            for (String m : List.of("query", "value")) {
                String p = "encoder.layer." + l + ".attention.self." + m;
                float[] a = new float[2 * 16];
                float[] b = new float[16 * 2];
                for (int i = 0; i < 32; i++) {
                    a[i] = (float) (0.2 * r.nextGaussian());
                    b[i] = (float) (0.2 * r.nextGaussian());
                }
                t.add(new HostTensor("base_model.model." + p + ".lora_A.weight", new long[] {2, 16}, a));
                t.add(new HostTensor("base_model.model." + p + ".lora_B.weight", new long[] {16, 2}, b));
                ab.put(p, new float[][] {a, b});
            }
        }
        Safetensors.write(dir.resolve("adapter_model.safetensors"), t, Dtype.F32);
        return ab;
    }

    @Test
    void aPeftWrittenAdapterLoadsAndAppliesScalingAlphaOverR() {
        Map<String, float[][]> ab = writePeftFixture(tmp, Map.of());
        try (Encoder enc = Encoder.load(tiny())) {
            PeftAdapter.Loaded a = PeftAdapter.read(tmp, enc);
            assertEquals(4, a.targets().size());
            try (LoraModel lm = a.attach(enc)) {
                LoraLinear q = lm.adapters().get("encoder.layer.0.attention.self.query");
                assertEquals(2.0, q.scaling(), 0.0, "lora_alpha / r = 4 / 2");
                assertArrayEquals(ab.get(q.target().name())[1], q.b().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void mismatchedOrCorruptAdaptersAreOneLineErrorsNamingTheTensor() throws IOException {
        try (Encoder enc = Encoder.load(tiny())) {
            Path wrongRank = Files.createDirectories(tmp.resolve("rank"));
            writePeftFixture(wrongRank, Map.of("r", 3));
            String m = assertThrows(LorankException.class, () -> PeftAdapter.read(wrongRank, enc)).getMessage();
            assertTrue(m.contains("lora_A.weight is [2, 16], expected [3, 16]") || m.contains("expected [3, 16]"), m);

            Path unselected = Files.createDirectories(tmp.resolve("unselected"));
            writePeftFixture(unselected, Map.of("target_modules", List.of("query")));
            m = assertThrows(LorankException.class, () -> PeftAdapter.read(unselected, enc)).getMessage();
            assertTrue(m.contains("value") && m.contains("does not select"), m);

            Path missing = Files.createDirectories(tmp.resolve("missing"));
            writePeftFixture(missing, Map.of("target_modules", List.of("query", "value", "key")));
            m = assertThrows(LorankException.class, () -> PeftAdapter.read(missing, enc)).getMessage();
            assertTrue(m.contains("attention.self.key.lora_A.weight is missing"), m);

            Path corrupt = Files.createDirectories(tmp.resolve("corrupt"));
            writePeftFixture(corrupt, Map.of());
            Path w = corrupt.resolve("adapter_model.safetensors");
            byte[] b = Files.readAllBytes(w);
            Files.write(w, java.util.Arrays.copyOf(b, b.length / 2));
            m = assertThrows(LorankException.class, () -> PeftAdapter.read(corrupt, enc)).getMessage();
            assertTrue(m.contains("adapter_model.safetensors") && !m.contains("\n"), m);

            m = assertThrows(LorankException.class, () -> PeftAdapter.read(tmp.resolve("none"), enc)).getMessage();
            assertTrue(m.contains("not a PEFT adapter folder"), m);
        }
    }

    @Test
    void exportedMergedFolderLoadsWithTheLoraOutputs() {
        Path out = tmp.resolve("merged");
        double[] lora;
        try (Encoder enc = Encoder.load(tiny());
             LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults(4), 6)) {
            randomize(lm, 9);
            lora = pooled(enc);
            lm.mergeIntoBase();
            PeftAdapter.exportMerged(out, enc, null);
        }
        try (Encoder back = Encoder.load(ModelSource.loadHfFolder(out, null))) {
            double[] merged = pooled(back);
            for (int i = 0; i < lora.length; i++) {
                assertEquals(lora[i], merged[i], 1e-5, "exported merged model vs LoRA output " + i);
            }
        }
        assertFalse(Files.exists(out.resolveSibling(".merged.previous")));
    }
}
