package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.cli.options.Converters;
import io.lorank.entk.NtkBenchmark;
import io.lorank.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank bench ntk}: the eNTK workload (factors, Gram, LoRA step, convex iteration, bytes) vs the PyTorch peer. */
@Command(name = "ntk", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Times lorank's eNTK path on the PyTorch peer's workload (MiniLM, N x T tokens, K = 2, query+value"
                + " of all layers): gradient factors, the (NK)^2 Gram, one linearized LoRA step at rank r, one convex"
                + " iteration; and stored factors vs dense G at real token lengths. With --peer, the ratio to the peer's"
                + " sections 5 (factors), 6a/6c (Gram) and 7c (factored LoRA step) from a run back to back"
                + " (scripts/peer_ntk.py).",
                "Example: lorank bench ntk --runs 5 --peer /tmp/peer-ntk.json"})
public final class BenchNtkCommand implements Runnable {
    @Option(names = "--model", description = "encoder") String model = "all-minilm-l6-v2";
    @Option(names = "--examples", converter = Converters.PositiveInt.class, description = "N (>= 1)") int examples = 32;
    @Option(names = "--tokens", converter = Converters.PositiveInt.class, description = "T per sequence (>= 16)") int tokens = 64;
    @Option(names = "--rank", converter = Converters.PositiveInt.class, description = "LoRA rank") int rank = 8;
    @Option(names = "--warmup", converter = Converters.NonNegativeInt.class, description = "untimed runs") int warmup = 1;
    @Option(names = "--runs", converter = Converters.PositiveInt.class, description = "timed runs (median)") int runs = 3;
    @Option(names = "--convex-iter", converter = Converters.PositiveInt.class, description = "iterations per convex timing") int convexIterations = 10;
    @Option(names = "--data", paramLabel = "DIR", description = "data folder for the token-length rows (default ../shared/data)") Path data;
    @Option(names = "--size-tasks", split = ",", description = "tasks whose seed-13 train split gives the stored-vs-dense rows")
    List<String> sizeTasks = List.of("SST-2", "MRPC", "QNLI");
    @Option(names = "--peer", paramLabel = "JSON", description = "the peer's figures from scripts/peer_ntk.py run in this session") Path peerFile;
    @Option(names = "--json", description = "print JSON") boolean json;

    @Override
    public void run() {
        if (tokens < 16) {
            throw new LorankException("--tokens " + tokens + ": expected at least 16 (the prompt itself takes ~8)");
        }
        Map<String, Double> peer = peerFile == null ? Map.of() : peer(peerFile);
        String cpu = io.lorank.util.CpuInfo.current().summary();
        String load = loadAverage();
        NtkBenchmark.Result r = NtkBenchmark.run(model, examples, tokens, rank, warmup, runs, convexIterations, data, sizeTasks);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cpu", cpu);
            out.put("load_before", load);
            out.put("load_after", loadAverage());
            out.put("result", r);
            out.put("peer", peer);
            System.out.println(Json.write(out));
            return;
        }
        System.out.println("CPU: " + cpu + "; load average before " + load + ", after " + loadAverage());
        System.out.printf(Locale.ROOT, "%s, N = %d x T = %d tokens, K = %d, %d targets, r = %d; medians of %d runs%n",
                r.model(), r.examples(), r.tokens(), r.outputs(), r.targets(), r.rank(), runs);
        row("factors (1 fwd, batch repeated K times, 1 bwd)", r.factorsRepeatBatch(), peer.get("5_factors"), "5");
        row("factors (1 fwd + K bwd)", r.factorsPerOutput(), peer.get("5_factors"), "5");
        row("Gram (NK x NK) from factors, fp32 (default)", r.gram(), peer.get("6c_gram_via_G_from_factors"), "6c");
        row("  (peer's Gram with dense G at hand)", r.gram(), peer.get("6a_gram_dense"), "6a");
        row("Gram from factors, fp64 (--gram-precision fp64)", r.gramFp64(), peer.get("6c_gram_via_G_from_factors"), "6c");
        System.out.printf(Locale.ROOT, "  fp32 Gram vs fp64: max |difference| / max |entry| = %.2e%n", r.gramFp32Error());
        row("linearized LoRA step, r = " + r.rank(), r.loraStep(), peer.get("7c_lin_factored"), "7c");
        if (r.convexIteration() > 0) {
            row("convex iteration (FISTA + SVT)", r.convexIteration(), null, "");
        } else { // a difference of two timings: noise larger than the extra iterations' time
            System.out.printf(Locale.ROOT, "  convex iteration: not resolved (2M - M iterations gave %.4f s; raise --convex-iter or --runs)%n",
                    r.convexIteration());
        }
        System.out.printf(Locale.ROOT, "  process CPU time (all threads): LoRA step %.4f s, convex iteration %.4f s%n",
                r.cpuLoraStep(), r.cpuConvexIteration());
        System.out.printf(Locale.ROOT, "stored factors %.1f MiB vs dense G %.1f MiB (%.1fx smaller)%n",
                r.factorBytes() / 1048576.0, r.denseBytes() / 1048576.0, r.denseBytes() / (double) r.factorBytes());
        for (NtkBenchmark.TaskSize s : r.taskSizes()) {
            System.out.printf(Locale.ROOT, "  %s train (N = %d, K = %d, %d tokens, %.1f per example): factors %.1f MiB, dense G %.1f MiB, %.1fx smaller%n",
                    s.task(), s.examples(), s.outputs(), s.totalTokens(), s.totalTokens() / (double) s.examples(),
                    s.factorBytes() / 1048576.0, s.denseBytes() / 1048576.0, s.ratio());
        }
    }

    private static void row(String what, double seconds, Double peer, String section) {
        if (peer == null) {
            System.out.printf(Locale.ROOT, "  %-48s %8.4f s%n", what, seconds);
        } else {
            System.out.printf(Locale.ROOT, "  %-48s %8.4f s   peer %s %8.4f s   lorank %.2fx faster%n", what, seconds,
                    section, peer, peer / seconds);
        }
    }

    private static Map<String, Double> peer(Path file) {
        JsonNode root = Json.readTree(file);
        Map<String, Double> m = new LinkedHashMap<>();
        for (String key : List.of("5_factors", "6a_gram_dense", "6c_gram_via_G_from_factors", "7c_lin_factored")) {
            JsonNode v = root.path(key).path("median_s");
            if (!v.isNumber()) {
                throw new LorankException(file + ": no " + key + ".median_s; expected the JSON of scripts/peer_ntk.py");
            }
            m.put(key, v.asDouble());
        }
        return m;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
