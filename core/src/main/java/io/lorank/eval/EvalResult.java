package io.lorank.eval;

import io.lorank.util.MeanStd;
import io.lorank.data.TaskMetric;
import io.lorank.probe.Metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code lorank eval} measured.
 *
 * @param metric          the task's metric; {@link #metricSummary} is null when it is accuracy
 * @param chance          1 / C
 * @param majority        accuracy of always predicting the test set's most frequent class
 * @param seedIndependent true for zero-shot heads: the same test set and head for every seed, so std is 0
 * @param testEncodings   how many times the test set went through the encoder (1: cached across seeds)
 * @param seconds         wall time of the run (model loading included)
 */
public record EvalResult(String model, String task, String head, int k, int classes, TaskMetric metric,
                         int testSize, String testNote, double chance, double majority, boolean seedIndependent,
                         MeanStd accuracy, MeanStd metricSummary, List<SeedResult> perSeed,
                         int testEncodings, double seconds) {

    /**
     * One seed.
     *
     * @param lambda      the probe's L2 strength chosen on dev (NaN for zero-shot heads)
     * @param probeStatus the probe solver's status (null for zero-shot heads)
     * @param predictions predicted class per test example (test order), with {@code gold} the labels
     */
    public record SeedResult(int seed, String splitSource, int train, int dev, int test, double accuracy,
                             double metric, double lambda, String probeStatus, int[] predictions, int[] gold) {
    }

    /** The summary as JSON-ready maps; predictions only when {@code withPredictions}. */
    public Map<String, Object> toJson(boolean withPredictions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("task", task);
        m.put("head", head);
        m.put("k", k);
        m.put("classes", classes);
        m.put("metric", metric.shortName());
        m.put("test_size", testSize);
        if (testNote != null) {
            m.put("test_note", testNote);
        }
        m.put("chance", chance);
        m.put("majority", majority);
        m.put("seed_independent", seedIndependent);
        m.put("accuracy", meanStd(accuracy));
        if (metricSummary != null) {
            m.put(metric.shortName(), meanStd(metricSummary));
        }
        List<Map<String, Object>> seeds = perSeed.stream().map(s -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("seed", s.seed());
            o.put("split_source", s.splitSource());
            o.put("train", s.train());
            o.put("dev", s.dev());
            o.put("test", s.test());
            o.put("accuracy", s.accuracy());
            if (metricSummary != null) {
                o.put(metric.shortName(), s.metric());
            }
            if (!Double.isNaN(s.lambda())) {
                o.put("lambda", s.lambda());
                o.put("probe_status", s.probeStatus());
            }
            if (withPredictions) {
                o.put("predictions", s.predictions());
                o.put("gold", s.gold());
            }
            return o;
        }).toList();
        m.put("per_seed", seeds);
        m.put("test_encodings", testEncodings);
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        return m;
    }

    private static Map<String, Object> meanStd(MeanStd s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mean", s.mean());
        o.put("std", Double.isNaN(s.std()) ? null : s.std());
        o.put("n", s.n());
        return o;
    }
}
