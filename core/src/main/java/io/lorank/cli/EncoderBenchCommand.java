package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.encoder.EncoderBenchmark;
import io.lorank.engine.Engines;
import io.lorank.util.Json;
import io.lorank.util.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank bench encoder}: forward tokens/s vs ONNX Runtime in the same process, and forward+backward time. */
@Command(name = "encoder", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Encoder forward (no grad) tokens/s vs ONNX Runtime on the same ONNX file in the same process, "
                + "and forward+backward (CE on a random 2-logit head on CLS, all parameters trainable).",
        footer = {"", "Example:", "  lorank bench encoder --runs 7 --json"})
public final class EncoderBenchCommand implements Runnable {
    @Option(names = "--models", split = ",", description = "Models to time.",
            defaultValue = "all-minilm-l6-v2,bge-small-en-v1.5")
    List<String> models;

    @Option(names = "--batch", defaultValue = "32", converter = Converters.PositiveInt.class, description = "Sequences per batch.")
    int batch;

    @Option(names = "--lengths", split = ",", defaultValue = "64,128", converter = Converters.PositiveInt.class,
            description = "Tokens per sequence (2..the model's maximum positions).")
    List<Integer> lengths;

    @Option(names = "--warmup", defaultValue = "2", converter = Converters.NonNegativeInt.class, description = "Untimed runs first.")
    int warmup;

    @Option(names = "--runs", defaultValue = "7", converter = Converters.PositiveInt.class, description = "Timed runs (median reported).")
    int runs;

    @Option(names = "--no-backward", description = "Skip the forward+backward timing.")
    boolean noBackward;

    @Option(names = "--no-ort", description = "Skip the ONNX Runtime peer.")
    boolean noOrt;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--peer", paramLabel = "BENCH_JSON",
            description = "The PyTorch peer's bench.json from a run in this session (../shared/peer/bench.py --out); "
                    + "default: the figures stored in ../shared/peer/RESULTS.md.")
    java.nio.file.Path peerFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PeerFigures peer = PeerFigures.load(peerFile);
        var cfg = new EncoderBenchmark.Config(models, batch, lengths, warmup, runs, !noBackward, !noOrt);
        String loadBefore = loadAverage();
        List<EncoderBenchmark.Row> rows;
        try (Progress p = Progress.start("bench encoder", (long) models.size() * lengths.size())) {
            rows = EncoderBenchmark.run(cfg, x -> p.step());
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cpu", io.lorank.util.CpuInfo.current().summary());
        env.put("gemm_path", Engines.gemmPath());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("djl_intra_op_threads", Engines.intraOpThreads());
        env.put("djl_inter_op_threads", System.getProperty("ai.djl.pytorch.num_interop_threads"));
        env.put("OMP_WAIT_POLICY", System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"));
        env.put("GOMP_SPINCOUNT", System.getenv().getOrDefault("GOMP_SPINCOUNT", "(unset)"));
        env.put("java", System.getProperty("java.version"));
        // other processes on a 2-core machine change every figure: record the 1/5/15-minute load around the run
        env.put("loadavg_before", loadBefore);
        env.put("loadavg_after", loadAverage());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("environment", env);
            m.put("config", cfg);
            m.put("peer", peer);
            m.put("rows", rows);
            out.println(Json.write(m));
            return;
        }
        out.println("environment: " + env);
        out.printf("%-18s %7s %9s %9s %11s %9s %11s %8s %10s%n", "model", "shape", "fwd s", "(min)", "tokens/s",
                "ORT s", "ORT tok/s", "vs ORT", "fwd+bwd s");
        for (EncoderBenchmark.Row r : rows) {
            out.printf(Locale.ROOT, "%-18s %7s %9.4f %9.4f %,11.0f %9.4f %,11.0f %7.2fx %10s%n", r.model(),
                    r.batch() + "x" + r.length(), r.forward().median(), r.forward().min(), r.forwardTokensPerS(),
                    r.ortForward() == null ? Double.NaN : r.ortForward().median(), r.ortTokensPerS(), r.ratioToOrt(),
                    r.forwardBackward() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.forwardBackward().median()));
            if (r.model().equals("all-minilm-l6-v2") && r.batch() == 32 && r.length() == 64) {
                out.printf(Locale.ROOT, "  vs PyTorch peer (%s): forward %.2fx "
                                + "(%.3f s vs %.3f s)%s%n", peer.source(), peer.forward() / r.forward().median(),
                        r.forward().median(), peer.forward(), r.forwardBackward() == null ? ""
                                : String.format(Locale.ROOT, ", forward+backward %.2fx (%.3f s vs %.4f s)",
                                peer.forwardBackward() / r.forwardBackward().median(), r.forwardBackward().median(),
                                peer.forwardBackward()));
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
