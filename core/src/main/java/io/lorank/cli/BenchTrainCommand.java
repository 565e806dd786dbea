package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.cli.options.Converters;
import io.lorank.engine.Engines;
import io.lorank.finetune.TrainBenchmark;
import io.lorank.model.ModelRegistry;
import io.lorank.util.CpuInfo;
import io.lorank.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank bench train}: LoRA training-step and full forward+backward timings on the peer's workload. */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Training-step time and tokens/s on the PyTorch peer's workload (../shared/peer/bench.py "
                + "sections 2 and 3): N x T random word pieces, a fixed 2-way head on [CLS], cross-entropy; a LoRA "
                + "step (zero grads, forward, backward, AdamW on A and B) and full fine-tuning's forward+backward. "
                + "With --peer (the peer's JSON from a run beside this one) prints the ratios.",
                "Example: lorank bench train --runs 9 --peer /tmp/peer-train.json"})
public final class BenchTrainCommand implements Runnable {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH", defaultValue = ModelRegistry.DEFAULT, description = "Model.")
    String model;
    @Option(names = "--batch", defaultValue = "32", converter = Converters.PositiveInt.class, description = "N.")
    int batch;
    @Option(names = "--length", defaultValue = "64", converter = Converters.PositiveInt.class, description = "T tokens.")
    int length;
    @Option(names = "--rank", defaultValue = "8", converter = Converters.PositiveInt.class, description = "LoRA rank.")
    int rank;
    @Option(names = "--targets", defaultValue = "query,value", description = "LoRA targets.")
    String targets;
    @Option(names = "--warmup", defaultValue = "2", converter = Converters.NonNegativeInt.class, description = "Untimed calls.")
    int warmup;
    @Option(names = "--runs", defaultValue = "9", converter = Converters.PositiveInt.class, description = "Timed calls (median).")
    int runs;
    @Option(names = "--peer", paramLabel = "FILE", converter = Converters.ExistingFile.class,
            description = "The peer's bench JSON (sections 3_lora_r<RANK> and 2_train_full) for the ratios.")
    Path peer;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
        Map<String, Double> peerTps = peer == null ? Map.of() : peerFigures(peer, rank);
        String load0 = load();
        List<TrainBenchmark.Row> rows = TrainBenchmark.run(new TrainBenchmark.Config(model, batch, length, rank,
                targets, warmup, runs));
        String load = load0 + " -> " + load();
        List<String> keys = List.of("3_lora_r" + rank, "2_train_full");
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cpu", CpuInfo.current().summary());
            out.put("gemm_path", Engines.gemmPath());
            out.put("intra_op_threads", Engines.intraOpThreads());
            out.put("load", load);
            out.put("shape", Map.of("batch", batch, "length", length, "rank", rank, "targets", targets));
            out.put("rows", rows);
            if (peer != null) {
                out.put("peer", peer.toString());
                out.put("peer_tokens_per_s", peerTps);
            }
            System.out.println(Json.write(out));
            return;
        }
        System.out.println("CPU: " + CpuInfo.current().summary());
        System.out.println("GEMM path: " + Engines.gemmPath() + "; intra-op threads " + Engines.intraOpThreads());
        System.out.println("load average: " + load);
        System.out.printf(Locale.ROOT, "%s, %d x %d tokens, median of %d after %d warm-up%n", model, batch, length,
                runs, warmup);
        System.out.println("workload                                   | median s | min s  | tokens/s | peer tokens/s | ratio");
        for (int i = 0; i < rows.size(); i++) {
            TrainBenchmark.Row r = rows.get(i);
            Double p = peerTps.get(keys.get(i));
            System.out.printf(Locale.ROOT, "%-42s | %8.4f | %6.4f | %8.0f | %13s | %s%n", r.workload(),
                    r.timing().median(), r.timing().min(), r.tokensPerSecond(),
                    p == null ? "-" : String.format(Locale.ROOT, "%.0f", p),
                    p == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.tokensPerSecond() / p));
        }
    }

    /** tokens/s of the peer's sections from its JSON (tokens_per_s, else N·T / median_s). */
    static Map<String, Double> peerFigures(Path file, int rank) {
        JsonNode root;
        try {
            root = Json.readTree(file);
        } catch (LorankException e) {
            throw new LorankException(e.getMessage() + "; expected the peer's bench JSON");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : List.of("3_lora_r" + rank, "2_train_full")) {
            JsonNode v = root.path(k).path("tokens_per_s");
            if (!v.isNumber()) {
                throw new LorankException("--peer: " + file + " has no " + k + ".tokens_per_s; run the peer's "
                        + "sections 2 and 3 (scripts/peer_train.py) at rank " + rank);
            }
            out.put(k, v.asDouble());
        }
        return out;
    }

    private static String load() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
