package io.lorank.encoder;

import ai.djl.ndarray.NDManager;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.model.Dtype;
import io.lorank.model.HostTensor;
import io.lorank.model.KnownModel;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.model.Safetensors;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenBatch;
import io.lorank.text.TokenizerOptions;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HF-folder path: all-MiniLM-L6-v2's weights (mapped from ONNX) exported as config.json + model.safetensors
 * (with a "bert." prefix) and as sharded F16 / BF16 checkpoints, read back and run: F32 must equal the ONNX-loaded
 * encoder to 1e-6; F16/BF16 tensors must equal the rounded originals bit for bit, and their outputs stay within
 * the stated tolerances of fp32 (weight rounding, not reader error).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HfFolderTest {
    private Checkpoint onnx;
    private Encoder reference;
    private TokenBatch batch;
    private float[] refLast;
    private float[] refMean;

    @BeforeAll
    void load() {
        KnownModel m = ModelRegistry.find(ModelRegistry.DEFAULT).orElseThrow();
        onnx = TestModels.checkpoint(m.name());
        reference = Encoder.load(onnx);
        try (TextTokenizer tk = TextTokenizer.load(onnx.tokenizer(), TokenizerOptions.defaults())) {
            batch = tk.encode(List.of("A cat sits on the mat.", "Stock markets fell sharply on Tuesday.", "Hi"));
        }
        try (NDManager nd = Engines.newManager()) {
            EncoderOutput out = reference.forward(EncoderInput.of(batch, onnx.config(), nd));
            refLast = out.last().toFloatArray();
            refMean = out.mean().toFloatArray();
        }
    }

    @AfterAll
    void close() {
        reference.close();
    }

    @Test
    void float32FolderEqualsOnnx(@TempDir Path dir) throws Exception {
        writeConfig(dir);
        List<HostTensor> prefixed = new ArrayList<>();
        onnx.tensors().values().forEach(t -> prefixed.add(t.rename("bert." + t.name())));
        Safetensors.write(dir.resolve("model.safetensors"), prefixed, Dtype.F32);
        try (InputStream in = onnx.tokenizer().open()) {
            Files.write(dir.resolve("tokenizer.json"), in.readAllBytes());
        }
        Checkpoint ck = ModelSource.load(dir.toString());
        assertEquals(onnx.config(), ck.config(), "config.json round trip");
        assertTrue(ck.tokenizer() != null, "tokenizer.json next to the weights is found");
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(dir.resolve("model.safetensors")))), ck.sha256(), "weights SHA-256");
        assertEquals(64, onnx.sha256().length(), "the ONNX checkpoint has a SHA-256 too");
        double[] err = compare(ck);
        assertTrue(err[0] <= 1e-6 && err[1] <= 1e-6, "F32 folder vs ONNX: max |Δ| hidden " + err[0] + ", mean " + err[1]);
    }

    @Test
    void shardedHalfAndBfloat16ReadExactly(@TempDir Path dir) {
        // Rounding the weights (relative error 2^-11 for F16, 2^-8 for BF16) moves the outputs, not the reader:
        // measured max |Δ| hidden / mean-pooled: F16 2.6e-3 / 9.2e-4, BF16 2.0e-2 / 1.1e-2 (values up to ~5).
        // Tolerances: about 4x the measured values. The reader itself is checked bit for bit above.
        check(dir.resolve("f16"), Dtype.F16, 1e-2, 3e-3);
        check(dir.resolve("bf16"), Dtype.BF16, 1e-1, 4e-2);
    }

    private void check(Path dir, Dtype dtype, double tolHidden, double tolMean) {
        writeConfig(dir);
        List<HostTensor> all = new ArrayList<>(onnx.tensors().values());
        Map<String, String> weightMap = new LinkedHashMap<>();
        int half = all.size() / 2;
        List<List<HostTensor>> shards = List.of(all.subList(0, half), all.subList(half, all.size()));
        for (int s = 0; s < 2; s++) {
            String file = "model-0000" + (s + 1) + "-of-00002.safetensors";
            Safetensors.write(dir.resolve(file), shards.get(s), dtype);
            shards.get(s).forEach(t -> weightMap.put(t.name(), file));
        }
        AtomicFiles.writeString(dir.resolve("model.safetensors.index.json"),
                Json.write(Map.of("metadata", Map.of(), "weight_map", weightMap)));
        Checkpoint ck = ModelSource.load(dir.toString());
        assertEquals(onnx.tensors().keySet(), ck.tensors().keySet(), "every tensor comes back from the shards");
        for (HostTensor t : onnx.tensors().values()) {
            float[] got = ck.tensors().get(t.name()).data();
            for (int i = 0; i < got.length; i++) {
                float want = dtype == Dtype.F16 ? Dtype.halfToFloat(Dtype.floatToHalf(t.data()[i]))
                        : Dtype.bf16ToFloat(Dtype.floatToBf16(t.data()[i]));
                if (Float.floatToIntBits(want) != Float.floatToIntBits(got[i])) {
                    throw new AssertionError(dtype + " " + t.name() + "[" + i + "]: " + got[i] + " != " + want);
                }
            }
        }
        double[] err = compare(ck);
        System.out.printf("%s sharded: max |Δ| hidden %.2e, mean-pooled %.2e%n", dtype, err[0], err[1]);
        assertTrue(err[0] <= tolHidden, dtype + ": hidden max |Δ| " + err[0] + " > " + tolHidden);
        assertTrue(err[1] <= tolMean, dtype + ": mean-pooled max |Δ| " + err[1] + " > " + tolMean);
    }

    private double[] compare(Checkpoint ck) {
        try (Encoder e = Encoder.load(ck); NDManager nd = Engines.newManager()) {
            EncoderOutput out = e.forward(EncoderInput.of(batch, ck.config(), nd));
            float[] last = out.last().toFloatArray();
            float[] mean = out.mean().toFloatArray();
            double h = 0;
            for (int i = 0; i < batch.batchSize() * batch.length(); i++) {
                if (batch.attentionMask()[i] == 1) {
                    for (int k = 0; k < 384; k++) {
                        h = Math.max(h, Math.abs(last[i * 384 + k] - refLast[i * 384 + k]));
                    }
                }
            }
            return new double[] {h, GoldenChainContract.maxAbs(refMean, mean)};
        }
    }

    private void writeConfig(Path dir) {
        AtomicFiles.writeString(dir.resolve("config.json"), Json.write(onnx.config().toJson()));
    }
}
