package io.lorank.model;

import io.lorank.LorankException;
import io.lorank.cli.Main;
import io.lorank.encoder.Encoder;
import io.lorank.util.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad checkpoints give one-line LorankExceptions naming the file, the tensor and what was expected. */
class CheckpointErrorsTest {
    @TempDir
    Path dir;

    private final EncoderConfig config = TinyCheckpoint.config(Architecture.BERT, HiddenAct.GELU);

    private String load() {
        LorankException e = assertThrows(LorankException.class, () -> {
            try (Encoder enc = Encoder.load(ModelSource.load(dir.toString()))) {
                enc.parameterCount();
            }
        });
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private void write(Map<String, HostTensor> t) {
        TinyCheckpoint.writeFolder(dir, config, t.values(), Dtype.F32, "");
    }

    @Test
    void wrongShapeNamesFileTensorAndBothShapes() {
        Map<String, HostTensor> t = new LinkedHashMap<>(TinyCheckpoint.random(config, 1, false, false));
        String q = "encoder.layer.1.attention.self.query.weight";
        t.put(q, new HostTensor(q, new long[] {16, 32}, new float[16 * 32]));
        write(t);
        assertEquals("model.safetensors: encoder.layer.1.attention.self.query.weight is [16, 32], expected [16, 16] "
                + "from the config (hidden_size 16, intermediate_size 32, vocab_size 60); do the config and the "
                + "weights belong to the same model?", load());
    }

    @Test
    void missingTensor() {
        Map<String, HostTensor> t = new LinkedHashMap<>(TinyCheckpoint.random(config, 1, false, false));
        t.remove("encoder.layer.0.output.dense.bias");
        write(t);
        String m = load();
        assertTrue(m.startsWith("model.safetensors: tensor encoder.layer.0.output.dense.bias is missing (expected [16])"), m);
    }

    @Test
    void truncatedSafetensors() throws Exception {
        write(TinyCheckpoint.random(config, 1, false, false));
        Path f = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 100));
        String m = load();
        assertTrue(m.startsWith("model.safetensors: ") && m.contains("truncated or corrupt"), m);
    }

    @Test
    void garbageSafetensors() throws Exception {
        write(TinyCheckpoint.random(config, 1, false, false));
        Files.writeString(dir.resolve("model.safetensors"), "this is not a safetensors file at all");
        String m = load();
        assertTrue(m.startsWith("model.safetensors: header length"), m);
    }

    @Test
    void missingConfigAndMissingWeights() throws Exception {
        assertTrue(load().endsWith("config.json is missing; expected a Hugging Face model folder"));
        AtomicFiles.writeString(dir.resolve("config.json"), io.lorank.util.Json.write(config.toJson()));
        assertTrue(load().contains("model.safetensors (or model.safetensors.index.json) is missing"));
    }

    @Test
    void unknownArchitecture() {
        write(TinyCheckpoint.random(config, 1, false, false));
        Map<String, Object> cfg = new LinkedHashMap<>(config.toJson());
        cfg.put("model_type", "gpt2");
        AtomicFiles.writeString(dir.resolve("config.json"), io.lorank.util.Json.write(cfg));
        String m = load();
        assertTrue(m.contains("config.json: model_type \"gpt2\" is not supported, expected one of bert, roberta"), m);
    }

    @Test
    void corruptOnnxAndUnknownName() throws Exception {
        Path onnx = dir.resolve("broken.onnx");
        Files.write(onnx, new byte[] {8, 7, 18, 3, 1, 2});
        LorankException e = assertThrows(LorankException.class, () -> ModelSource.load(onnx.toString()));
        assertTrue(e.getMessage().startsWith("broken.onnx: "), e.getMessage());
        e = assertThrows(LorankException.class, () -> ModelSource.load("no-such-model"));
        assertTrue(e.getMessage().startsWith("no-such-model: not a known model (all-minilm-l6-v2, "), e.getMessage());
    }

    @Test
    void cliPrintsOneLineAndExitsOne() {
        Map<String, HostTensor> t = new LinkedHashMap<>(TinyCheckpoint.random(config, 1, false, false));
        String q = "encoder.layer.1.attention.self.query.weight";
        t.put(q, new HostTensor(q, new long[] {16, 32}, new float[16 * 32]));
        write(t);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute("embed", "--model", dir.toString(), "hello");
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, code, text);
        assertEquals(1, text.lines().count(), "exactly one line on stderr: " + text);
        assertTrue(text.startsWith("lorank: model.safetensors: " + q + " is [16, 32], expected [16, 16]"), text);
        assertFalse(text.contains("\tat "), "no stack trace");
    }
}
