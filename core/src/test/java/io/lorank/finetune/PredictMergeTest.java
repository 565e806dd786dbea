package io.lorank.finetune;

import io.lorank.cli.Main;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;
import io.lorank.head.PoolingFile;
import io.lorank.head.PooledFeatures;
import io.lorank.head.TinyModels;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraLinear;
import io.lorank.lora.LoraModel;
import io.lorank.lora.PeftAdapter;
import io.lorank.model.HostTensor;
import io.lorank.model.Pooling;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lorank predict} and {@code lorank merge} on a tiny random BERT folder with a LoRA adapter (r = 2 on query
 * and value, B random so ΔW ≠ 0): the adapter rebuilt from its folder, and the merged folder without it, give the
 * in-memory LoRA model's logits (≤ 1e-5, fp32), for the fixed embedding head and for a trained probe readout.
 */
class PredictMergeTest {
    @TempDir
    Path dir;

    static final List<Example> EXAMPLES = List.of(new Example("e0", "a clear idea of the plan", null, 0),
            new Example("e1", "the spoken word and the letter", null, 0), new Example("e2", "belief", null, 0),
            new Example("e3", "she wrote a long message to him", null, 0));

    private static void randomB(LoraModel lm, long seed) {
        Random rnd = new Random(seed);
        for (LoraLinear l : lm.adapters().values()) {
            float[] v = new float[(int) l.b().getShape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.5 * rnd.nextGaussian());
            }
            l.b().set(FloatBuffer.wrap(v));
        }
    }

    private static double maxAbs(double[][] x, double[][] y) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < x[i].length; c++) {
                d = Math.max(d, Math.abs(x[i][c] - y[i][c]));
            }
        }
        return d;
    }

    /** Writes an adapter for {@code head} and returns the in-memory LoRA model's logits (and W0's in [1]). */
    private double[][][] adapter(Path model, Path out, HeadKind kind) {
        Task task = Evaluation.resolveTask("wordnet-binary");
        try (Backbone bb = Backbone.folder(model, Pooling.MEAN, 38)) {
            FeatureHead head;
            Map<String, HostTensor> saved = new LinkedHashMap<>();
            if (kind == HeadKind.EMBEDDING) {
                head = FeatureHead.embedding(bb, task, 20);
            } else {
                Random rnd = new Random(3);
                int d = bb.encoder().config().hiddenSize();
                double[][] w = new double[2][d];
                float[] wf = new float[2 * d];
                for (int i = 0; i < wf.length; i++) {
                    wf[i] = (float) (5 * rnd.nextGaussian());
                    w[i / d][i % d] = wf[i];
                }
                double[] b = {0.25, -0.5};
                head = FeatureHead.readout(HeadKind.PROBE, new PooledFeatures(bb, task, PooledFeatures.Input.TEXT), w, b);
                saved.put("classifier.weight", new HostTensor("classifier.weight", new long[] {2, d}, wf));
                saved.put("classifier.bias", new HostTensor("classifier.bias", new long[] {2}, new float[] {0.25f, -0.5f}));
            }
            try (head) {
                double[][] w0 = Trainer.logits(head, EXAMPLES);
                try (LoraModel lm = LoraModel.inject(bb.encoder(), LoraConfig.defaults().withRank(2)
                        .withTargets("query,value"), 4)) {
                    randomB(lm, 9);
                    PeftAdapter.save(out, lm, saved, model.toString(),
                            new HeadSpec("wordnet-binary", kind, 38, 20).toMap());
                    return new double[][][] {Trainer.logits(head, EXAMPLES), w0};
                }
            }
        }
    }

    private void roundTrip(HeadKind kind) {
        Path model = dir.resolve("tiny");
        TinyModels.bert(model, 2, false);
        Path ad = dir.resolve("adapter");
        double[][][] ref = adapter(model, ad, kind);
        assertTrue(maxAbs(ref[0], ref[1]) > 1e-3, "the adapter must change the logits: " + maxAbs(ref[0], ref[1]));
        try (TrainedClassifier tc = TrainedClassifier.open(model.toString(), ad, null, null)) {
            assertEquals(kind, tc.spec().head());
            double d = maxAbs(ref[0], tc.logits(EXAMPLES));
            assertTrue(d <= 1e-5, kind + ": adapter from its folder vs in-memory LoRA model: " + d);
            tc.merge(dir.resolve("merged"));
        }
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", PoolingFile.PATH,
                TrainedClassifier.HEAD_JSON, TrainedClassifier.HEAD_WEIGHTS)) {
            assertTrue(Files.isRegularFile(dir.resolve("merged").resolve(f)), f);
        }
        try (TrainedClassifier tc = TrainedClassifier.open(dir.resolve("merged").toString(), null, null, null)) {
            double d = maxAbs(ref[0], tc.logits(EXAMPLES));
            assertTrue(d <= 1e-5, kind + ": merged folder vs LoRA model: " + d + " (fp32, tolerance 1e-5)");
        }
    }

    @Test
    void embeddingHeadAdapterAndMergedFolderGiveTheLoraLogits() {
        roundTrip(HeadKind.EMBEDDING);
    }

    @Test
    void probeHeadAdapterAndMergedFolderGiveTheLoraLogits() {
        roundTrip(HeadKind.PROBE);
    }

    @Test
    void mergedFolderKeepsClsPooling() {
        Path model = dir.resolve("tiny");
        TinyModels.bert(model, 2, false);
        PoolingFile.write(model, Pooling.CLS, 16);
        Path ad = dir.resolve("adapter");
        adapter(model, ad, HeadKind.EMBEDDING);
        try (TrainedClassifier tc = TrainedClassifier.open(model.toString(), ad, null, null)) {
            assertEquals(Pooling.CLS, tc.backbone().pooling());
            tc.merge(dir.resolve("merged"));
        }
        assertEquals(Pooling.CLS, PoolingFile.read(dir.resolve("merged")).orElseThrow());
    }

    @Test
    void predictCommandPrintsTheArgmaxAndTheLogitsPerLine() throws Exception {
        Path model = dir.resolve("tiny");
        TinyModels.bert(model, 2, false);
        Path ad = dir.resolve("adapter");
        double[][] ref = adapter(model, ad, HeadKind.EMBEDDING)[0];
        Path in = dir.resolve("in.txt");
        StringBuilder lines = new StringBuilder();
        EXAMPLES.forEach(e -> lines.append(e.text()).append("\n\n")); // blank lines are skipped
        Files.writeString(in, lines);
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("predict", "--model", model.toString(), "--adapter", ad.toString(), "--input",
                    in.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        String[] rows = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(EXAMPLES.size(), rows.length, out.toString(StandardCharsets.UTF_8));
        List<String> labels = Evaluation.resolveTask("wordnet-binary").labels();
        for (int i = 0; i < rows.length; i++) {
            var j = Json.MAPPER.readTree(rows[i]);
            assertEquals(EXAMPLES.get(i).text(), j.get("input").asText());
            int best = ref[i][1] > ref[i][0] ? 1 : 0;
            assertEquals(best, j.get("label_index").asInt());
            assertEquals(labels.get(best), j.get("label").asText());
            for (int c = 0; c < 2; c++) {
                assertEquals(ref[i][c], j.get("logits").get(c).asDouble(), 1e-5);
            }
        }
    }
}
