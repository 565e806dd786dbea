package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.engine.Engines;
import io.lorank.engine.GemmBenchmark;
import io.lorank.engine.ThinGemmBenchmark;
import io.lorank.util.CpuInfo;
import io.lorank.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank bench gemm}: fp32 sgemm GFLOP/s on libtorch (MKL) and OpenBLAS, with the CPU and the GEMM environment. */
@Command(name = "gemm", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"sgemm GFLOP/s (C = A B, fp32, all cores) on libtorch's GEMM (MKL on x86) and on OpenBLAS"
                + " (org.bytedeco:openblas), the encoder's shapes and a square one."
                + " Prints the CPU and the MKL/OpenMP environment variables in force, so runs under different settings compare.",
                "Example: lorank bench gemm --runs 9"})
public final class BenchGemmCommand implements Runnable {
    @Option(names = "--shapes", split = ",", description = "MxKxN list")
    List<String> shapes = List.of("2048x384x1536", "2048x1536x384", "2048x384x384", "2048x2048x2048");
    @Option(names = "--warmup", description = "untimed runs", converter = Converters.NonNegativeInt.class) int warmup = 3;
    @Option(names = "--runs", description = "timed runs (median)", converter = Converters.PositiveInt.class) int runs = 9;
    @Option(names = "--thin", description = "also the linearized LoRA step's thin products (P = A Xᵀ, gA = Pᵀ X; 12 targets"
            + " of X [2048 x 384], r = 8, fp64 and fp32) from memory and from cache: the floor of `bench ntk`'s LoRA step")
    boolean thin;
    @Option(names = "--json", description = "print JSON") boolean json;

    @Override
    public void run() {
        List<int[]> sh = GemmBenchmark.parseShapes(shapes);
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("MKL_ENABLE_INSTRUCTIONS", "MKL_DEBUG_CPU_TYPE", "MKL_CBWR", "MKL_NUM_THREADS", "OMP_NUM_THREADS",
                "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "LD_PRELOAD")) {
            env.put(k, System.getenv().getOrDefault(k, "(unset)"));
        }
        env.put("intra_op_threads", String.valueOf(Engines.intraOpThreads()));
        String load0 = load();
        List<GemmBenchmark.Row> rows = GemmBenchmark.run(sh, warmup, runs);
        List<ThinGemmBenchmark.Row> thinRows = thin
                ? ThinGemmBenchmark.run(12, 2048, 384, 8, Engines.intraOpThreads(), warmup, runs) : List.of();
        String load = load0 + " -> " + load();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cpu", CpuInfo.current().summary());
            out.put("gemm_path", Engines.gemmPath());
            out.put("environment", env);
            out.put("load", load);
            out.put("rows", rows);
            if (thin) {
                out.put("thin", thinRows);
            }
            System.out.println(Json.write(out));
            return;
        }
        System.out.println("CPU: " + CpuInfo.current().summary());
        System.out.println("GEMM path: " + Engines.gemmPath());
        System.out.println("environment: " + env);
        System.out.println("load average: " + load);
        System.out.println("M x K x N        | libtorch GFLOP/s | OpenBLAS GFLOP/s | rel diff");
        for (GemmBenchmark.Row r : rows) {
            System.out.printf(Locale.ROOT, "%-16s | %16.1f | %16.1f | %.1e%n", r.m() + "x" + r.k() + "x" + r.n(),
                    r.torchGflops(), r.openblasGflops(), r.relDiff());
        }
        if (thin) {
            System.out.println("thin products, 12 targets x [2048 x 384], r = 8, OpenBLAS, one BLAS thread per call, "
                    + Engines.intraOpThreads() + " threads over targets:");
            System.out.println("precision | placement | product | ms per pass | GB/s of X | GFLOP/s | rel diff");
            for (ThinGemmBenchmark.Row r : thinRows) {
                System.out.printf(Locale.ROOT, "%-9s | %-9s | %-7s | %11.2f | %9.2f | %7.1f | %.1e%n", r.precision(),
                        r.placement(), r.product(), 1e3 * r.seconds(), r.gbPerSecond(), r.gflops(), r.relDiff());
            }
        }
    }

    private static String load() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
