package io.lorank.cli;

import io.lorank.util.MeanStd;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.head.TinyModels;
import io.lorank.probe.Metrics;
import io.lorank.util.Json;
import io.lorank.data.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lorank eval}: real MiniLM on the built-in WordNet task, reported metrics vs the predictions, errors. */
class EvalCommandTest {
    @TempDir
    Path dir;

    private static String run(int expectedExit, String... args) {
        return CliRun.run(expectedExit, args);
    }

    @Test
    void wordnetProbeWithMiniLmIsWellAboveChance() throws Exception {
        Path out = dir.resolve("run");
        JsonNode r = Json.MAPPER.readTree(run(0, "eval", "--task", "wordnet-binary", "--head", "probe", "--shots", "8",
                "--seed", "13", "--test-cap", "200", "--json", "--out", out.toString()));
        for (String key : List.of("model", "task", "head", "k", "classes", "metric", "test_size", "chance", "majority",
                "seed_independent", "accuracy", "per_seed", "seconds")) {
            assertTrue(r.has(key), "missing key " + key + " in " + r);
        }
        assertEquals("all-minilm-l6-v2", r.get("model").asText());
        assertEquals(200, r.get("test_size").asInt());
        assertEquals(0.5, r.get("chance").asDouble(), 1e-12);
        double acc = r.get("accuracy").get("mean").asDouble();
        // measured 0.76 (seed 13; 0.70-0.83 over LM-BFF's five seeds at k = 8); chance 0.5
        assertTrue(acc >= 0 && acc <= 1, "accuracy in [0, 1]: " + acc);
        assertTrue(acc >= 0.62, "a MiniLM probe on 8 glosses per class reaches ~0.76, got " + acc);
        JsonNode seed = r.get("per_seed").get(0);
        assertEquals(13, seed.get("seed").asInt());
        assertEquals(16, seed.get("train").asInt());
        assertTrue(seed.has("lambda") && seed.get("probe_status").asText().equals("CONVERGED"), seed.toString());
        JsonNode cfg = Json.MAPPER.readTree(Files.readString(out.resolve("config.json")));
        assertEquals("probe", cfg.get("head").asText());
        assertEquals(8, Json.MAPPER.readTree(Files.readString(out.resolve("seed-13/split.json"))).get("k").asInt());
        JsonNode saved = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
        assertEquals(200, saved.get("per_seed").get(0).get("predictions").size());
    }

    @Test
    void wordnetEmbeddingHeadZeroShotIsAboveChance() throws Exception {
        JsonNode r = Json.MAPPER.readTree(run(0, "eval", "--task", "wordnet-binary", "--head", "embedding",
                "--seed", "13", "--test-cap", "200", "--json"));
        double acc = r.get("accuracy").get("mean").asDouble();
        // measured 0.77 (zero-shot: the same for every seed)
        assertTrue(acc >= 0.62 && acc <= 1, "zero-shot MiniLM on WordNet cognition vs communication: " + acc);
        assertTrue(r.get("seed_independent").asBoolean());
    }

    @Test
    @Tag("shared")
    void mrpcReportsF1OnTheLmBffSplit() throws Exception {
        Path data = SharedData.require();
        JsonNode r = Json.MAPPER.readTree(run(0, "eval", "--task", "MRPC", "--head", "probe", "--seed", "42",
                "--test-cap", "100", "--data", data.toString(), "--json"));
        assertEquals("f1", r.get("metric").asText());
        assertEquals(100, r.get("test_size").asInt());
        JsonNode seed = r.get("per_seed").get(0);
        assertTrue(seed.get("split_source").asText().contains("k-shot/MRPC/16-42"), seed.toString());
        assertEquals(32, seed.get("train").asInt());
        double f1 = r.get("f1").get("mean").asDouble();
        assertTrue(f1 >= 0 && f1 <= 1 && f1 == seed.get("f1").asDouble(), r.toString());
    }

    /** A user task with the given metric over the tiny vocabulary, 12 per class to sample from, 40 test rows. */
    private Path userTask(String metric) throws Exception {
        Random rnd = new Random(metric.length());
        String[] pos = {"good", "great", "fun"};
        String[] neg = {"bad", "dull", "sad", "terrible"};
        for (String part : List.of("train", "test")) {
            StringBuilder sb = new StringBuilder();
            int n = part.equals("train") ? 24 : 40;
            for (int i = 0; i < n; i++) {
                boolean p = rnd.nextDouble() < (part.equals("train") ? 0.5 : 0.35);
                if (part.equals("train")) {
                    p = i % 2 == 0;
                }
                String w = p ? pos[rnd.nextInt(pos.length)] : neg[rnd.nextInt(neg.length)];
                String filler = rnd.nextBoolean() ? "the film was very " : "the plot is not ";
                sb.append("{\"text\": \"").append(filler).append(w).append(" .\", \"label\": \"")
                        .append(p ? "1" : "0").append("\"}\n");
            }
            Files.writeString(dir.resolve(part + ".jsonl"), sb);
        }
        Path yaml = dir.resolve("task-" + metric + ".yaml");
        Files.writeString(yaml, """
                name: tiny-%s
                format: jsonl
                columns: {text: text, label: label}
                files: {train: train.jsonl, test: test.jsonl}
                labels: ["0", "1"]
                template: "*cls**sent_0*_it_was*mask*.*sep+*"
                label_words: [bad, great]
                label_descriptions: ["it was bad.", "it was great."]
                metric: %s
                """.formatted(metric, metric));
        return yaml;
    }

    @Test
    void reportedF1AndMccEqualTheMetricsOfThePredictions() throws Exception {
        Path model = dir.resolve("tiny-bert");
        TinyModels.bert(model, 77, true);
        for (String metric : List.of("f1", "mcc")) {
            Path task = userTask(metric);
            for (String head : List.of("probe", "mlm")) {
                Path out = dir.resolve("out-" + metric + "-" + head);
                run(0, "eval", "--model", model.toString(), "--task", task.toString(), "--head", head, "--shots", "4",
                        "--seeds", "13,21", "--out", out.toString(), "--json");
                JsonNode r = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
                assertEquals(metric, r.get("metric").asText());
                assertEquals(1, r.get("test_encodings").asInt(), "the test set is encoded once for both seeds");
                double[] per = new double[2];
                double[] acc = new double[2];
                for (int s = 0; s < 2; s++) {
                    JsonNode seed = r.get("per_seed").get(s);
                    int[] pred = ints(seed.get("predictions"));
                    int[] gold = ints(seed.get("gold"));
                    assertEquals(40, pred.length);
                    double want = metric.equals("f1") ? f1ByHand(pred, gold) : Metrics.mcc(pred, gold);
                    assertEquals(want, seed.get(metric).asDouble(), 1e-12, metric + " " + head + " seed " + s);
                    assertEquals(Metrics.accuracy(pred, gold), seed.get("accuracy").asDouble(), 1e-12);
                    per[s] = want;
                    acc[s] = Metrics.accuracy(pred, gold);
                }
                MeanStd ms = MeanStd.of(per);
                assertEquals(ms.mean(), r.get(metric).get("mean").asDouble(), 1e-12);
                assertEquals(ms.std(), r.get(metric).get("std").asDouble(), 1e-12);
                assertEquals(MeanStd.of(acc).mean(), r.get("accuracy").get("mean").asDouble(), 1e-12);
            }
        }
    }

    /** 2TP / (2TP + FP + FN) of class 1, counted here. */
    private static double f1ByHand(int[] pred, int[] gold) {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < pred.length; i++) {
            tp += pred[i] == 1 && gold[i] == 1 ? 1 : 0;
            fp += pred[i] == 1 && gold[i] == 0 ? 1 : 0;
            fn += pred[i] == 0 && gold[i] == 1 ? 1 : 0;
        }
        return 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    @Test
    void userErrorsExitOneAndUsageErrorsTwo() {
        run(1, "eval", "--task", "nope", "--head", "probe");
        run(2, "eval", "--task", "wordnet-binary", "--head", "knn");
        run(1, "eval", "--task", "wordnet-binary", "--head", "probe", "--model", dir.resolve("absent").toString());
        run(2, "eval", "--task", "SST-2", "--head", "probe", "--data", dir.resolve("absent").toString());
        run(1, "eval", "--task", "wordnet-binary", "--head", "mlm", "--seed", "13", "--test-cap", "10");
        run(2, "eval", "--head", "probe");
        run(2, "eval", "--task", "wordnet-binary", "--head", "probe", "--seed", "13", "--seeds", "13,21");
    }
}
