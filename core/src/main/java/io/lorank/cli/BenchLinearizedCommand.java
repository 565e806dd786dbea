package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.entk.TorchFactoredOperator;
import io.lorank.linearized.experiments.LinearizedBenchmark;
import io.lorank.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank bench linearized}: LoRA and convex iteration times, factored vs dense vs torch-factored operator. */
@Command(name = "linearized", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Time per full-batch LoRA iteration and per convex (prox-gradient) iteration: factored (fp64 Java),"
                + " dense and torch-factored (fp32 libtorch GEMMs) measurement operators, with stored bytes; compared with"
                + " the PyTorch peer (rows 7b/7c)."
                + " The default shapes with the convex rows take ~20 min on 2 cores and the 24x768 dense G needs"
                + " LORANK_JAVA_OPTS=-Xmx10g; --no-convex takes ~2 min.",
                "Example: lorank bench linearized --runs 5 --json"})
public final class BenchLinearizedCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--shapes", split = ",", converter = Converters.Shape.class, description = "targets x d, e.g. 12x384,24x768")
    List<Converters.Dims> shapes = List.of(new Converters.Dims(12, 384), new Converters.Dims(24, 768));
    @Option(names = "--examples", converter = Converters.PositiveInt.class, description = "N (>= 1)") int examples = 32;
    @Option(names = "--outputs", converter = Converters.PositiveInt.class, description = "K (>= 1)") int outputs = 2;
    @Option(names = "--tokens", converter = Converters.PositiveInt.class, description = "T (>= 1)") int tokens = 64;
    @Option(names = "--rank", converter = Converters.PositiveInt.class, description = "LoRA rank (1..d)") int rank = 8;
    @Option(names = "--warmup", converter = Converters.NonNegativeInt.class, description = "untimed runs (>= 0)") int warmup = 2;
    @Option(names = "--runs", converter = Converters.PositiveInt.class, description = "timed runs (median; >= 1)") int runs = 5;
    @Option(names = "--dense-storage", description = "AUTO (double if it fits, else float) | FLOAT | DOUBLE | NONE (skip dense)")
    LinearizedBenchmark.Storage denseStorage = LinearizedBenchmark.Storage.FLOAT;
    @Option(names = "--no-convex", description = "skip the convex iteration") boolean noConvex;
    @Option(names = "--no-torch", description = "skip the torch-factored operator (libtorch fp32 GEMMs, io.lorank.entk)") boolean noTorch;
    @Option(names = "--json", description = "print JSON") boolean json;
    @Option(names = "--peer", paramLabel = "BENCH_JSON", description = "the PyTorch peer's bench.json from a run in this session "
            + "(../shared/peer/bench.py --out); default: the figures stored in ../shared/peer/RESULTS.md") java.nio.file.Path peerFile;

    @Override
    public void run() {
        for (Converters.Dims s : shapes) {
            if (rank > s.cols()) {
                throw Converters.usage(spec, "--rank " + rank + " exceeds d = " + s.cols() + " of --shapes " + s
                        + "; give a rank of at most " + s.cols());
            }
        }
        PeerFigures peer = PeerFigures.load(peerFile);
        List<LinearizedBenchmark.Row> rows = new ArrayList<>();
        for (Converters.Dims s : shapes) {
            rows.add(LinearizedBenchmark.run(s.rows(), s.cols(), examples, outputs, tokens, rank,
                    warmup, runs, !noConvex, denseStorage, noTorch ? null : "torch-factored",
                    noTorch ? null : TorchFactoredOperator::of));
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cpu", io.lorank.util.CpuInfo.current().summary());
            out.put("rows", rows);
            out.put("peer", peer);
            System.out.println(Json.write(out));
            return;
        }
        System.out.printf(Locale.ROOT, "N=%d K=%d T=%d r=%d, %d thread(s), median of %d runs after %d warm-up: wall seconds (process CPU seconds)%n",
                examples, outputs, tokens, rank, io.lorank.linearized.Parallel.threads(), runs, warmup);
        System.out.println("CPU: " + io.lorank.util.CpuInfo.current().summary());
        if (!noTorch) {
            System.out.println("GEMM path (torch-factored): " + io.lorank.engine.Engines.gemmPath());
        }
        System.out.println("SVT path: " + io.lorank.linearized.solvers.SingularValueThreshold.fastest().name());
        System.out.println("targets x d^2 | LoRA factored | LoRA dense | dense/factored | convex factored | convex dense | SVT part | stored factored | stored dense (storage) | check | load avg");
        for (LinearizedBenchmark.Row r : rows) {
            System.out.printf(Locale.ROOT, "%d x %d^2 | %.4f (%.4f) | %.4f (%.4f) | %.2f | %.3f (%.3f) | %.3f (%.3f) | %.3f | %.1f MB | %.1f MB (%s) | rel diff %.1e | %s%n",
                    r.targets(), r.d(), r.loraFactoredSeconds(), r.cpuLoraFactored(), r.loraDenseSeconds(), r.cpuLoraDense(),
                    r.loraDenseSeconds() / r.loraFactoredSeconds(), r.convexFactoredSeconds(), r.cpuConvexFactored(),
                    r.convexDenseSeconds(), r.cpuConvexDense(), r.svtSeconds(), r.factoredBytes() / 1e6, r.denseBytes() / 1e6,
                    r.denseStorage(), r.maxRelativeDifference(), r.loadAverage());
            if (!Double.isNaN(r.svtReferenceSeconds())) {
                System.out.printf(Locale.ROOT, "  SVT of the %d targets: %.4f s on the chosen path, %.4f s on the EJML reference (%.1fx)%n",
                        r.targets(), r.svtSeconds(), r.svtReferenceSeconds(), r.svtReferenceSeconds() / r.svtSeconds());
            }
            LinearizedBenchmark.Extra t = r.extra();
            if (t != null) {
                System.out.printf(Locale.ROOT, "  %s: LoRA %.4f (%.4f) = %.2fx faster than factored | convex %.3f (%.3f) | stored %.1f MB (fp32 X, D) | rel diff vs factored %.1e%n",
                        t.name(), t.loraSeconds(), t.cpuLora(), r.loraFactoredSeconds() / t.loraSeconds(), t.convexSeconds(), t.cpuConvex(),
                        t.bytes() / 1e6, t.relativeDifference());
            }
            if (!r.denseNote().isEmpty()) {
                System.out.println("  note: " + r.denseNote());
            }
            if (r.targets() == 12 && r.d() == 384 && examples == 32 && tokens == 64 && outputs == 2 && rank == 8) {
                System.out.printf(Locale.ROOT, "  vs PyTorch peer (%s; 7c factored %.4f s, 7b dense GEMV %.4f s): factored %.2fx, dense %.2fx the peer's time%n",
                        peer.source(), peer.linFactored(), peer.linDenseGemv(), r.loraFactoredSeconds() / peer.linFactored(),
                        r.loraDenseSeconds() / peer.linDenseGemv());
                if (t != null) {
                    System.out.printf(Locale.ROOT, "  %s: %.2fx the peer's 7c time, %.2fx its 7b time%n", t.name(),
                            t.loraSeconds() / peer.linFactored(), t.loraSeconds() / peer.linDenseGemv());
                }
            }
        }
    }
}
